package render

import (
	"image"
	"slices"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// Timing is how long one backend took per frame when Choose measured it.
type Timing struct {
	Kind     Kind
	PerFrame time.Duration
}

// calibrationFrames is how many timed frames Choose draws per backend,
// after one untimed frame that compiles shaders and allocates buffers.
const calibrationFrames = 2

// calibrationFaces is the size of Choose's test scene.
const calibrationFaces = 100_000

// Choose measures both backends on this machine and returns the faster
// one, with the timings (fastest first). It draws a test scene of 100,000
// triangles at the given size a few times with each backend, turning the
// camera between frames, and reads a pixel back after each frame so the
// GPU's queued work is counted; the GPU backend's Cost then follows what
// was measured. It takes a few hundred milliseconds where OpenGL runs on
// the CPU, much less on a real GPU: a caller should remember the choice
// (see Calibration) rather than measure at every start. Call it from the
// game goroutine (Update or Draw).
func Choose(size image.Point) (Renderer, []Timing) {
	size.X, size.Y = max(size.X, 64), max(size.Y, 64)
	m := mesh.Torus(10, 3, 500, calibrationFaces/1000).Indexed()
	view := scene.View{
		Viewport:   image.Rectangle{Max: size},
		Items:      []scene.Item{{Mesh: m, Model: mgl32.Ident4()}},
		Background: scene.DefaultBackground,
	}
	view.Camera = scene.NewCamera(scene.PlusZ)
	view.Camera.Fit(view.Bounds(), float32(size.X)/float32(size.Y))
	dst := ebiten.NewImage(size.X, size.Y)
	defer dst.Deallocate()
	pixel := dst.SubImage(image.Rect(0, 0, 1, 1)).(*ebiten.Image)
	var buf [4]byte

	var timings []Timing
	var best Renderer
	var bestTime time.Duration
	for _, r := range []Renderer{NewCPU(), NewGPU()} {
		views := []scene.View{view}
		r.Draw(dst, views)
		pixel.ReadPixels(buf[:])
		frames := make([]time.Duration, calibrationFrames)
		for i := range frames {
			views[0].Camera.Orbit(0.1, 0)
			start := time.Now()
			r.Draw(dst, views)
			pixel.ReadPixels(buf[:])
			frames[i] = time.Since(start)
		}
		slices.Sort(frames)
		t := frames[len(frames)/2]
		timings = append(timings, Timing{Kind(r.Name()), t})
		if gpu, ok := r.(*GPU); ok {
			// The frames cost the pixels and the faces; the faces dominate.
			px := float64(size.X * size.Y)
			gpu.cost.PerFace = max(1, (float64(t)-gpu.cost.Fixed-gpu.cost.PerPixel*px)/float64(m.Faces()))
		}
		if best == nil || t < bestTime {
			if best != nil {
				best.Dispose()
			}
			best, bestTime = r, t
		} else {
			r.Dispose()
		}
		r.Forget(m)
	}
	slices.SortFunc(timings, func(a, b Timing) int { return int(a.PerFrame - b.PerFrame) })
	return best, timings
}
