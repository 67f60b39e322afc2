// Package render draws scene.Views into Ebitengine images.
//
// Two backends implement Renderer and draw the same picture from the same
// views: GPU, a z-buffer built from depth passes with Kage shaders (for
// machines with a real graphics card), and CPU, package raster's exact
// software z-buffer uploaded as pixels (for software OpenGL such as Mesa's
// llvmpipe, where it is several times faster). All the numbers that decide
// the picture (camera, projection, shading) come from package scene.
//
// A window moves at the speed of the frames a backend draws and rests at
// full detail: while the camera moves, FitDetail picks for each view the
// level of detail that the backend's measured Cost draws within the frame
// budget; once it stops, a Refiner draws the views at full detail,
// supersampled, on low-priority threads, with the face under each pixel
// recorded for picking, and the window shows that picture when it is
// complete. Both backends rest on the same Refiner, so the picture at rest
// and the point a click picks are exact whichever draws the moving frames.
package render

import (
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// A Renderer draws the 3D part of a frame. Its methods may be called only
// from the goroutine that runs the Ebitengine game (Update and Draw).
type Renderer interface {
	// Name returns "gpu" or "cpu", for the HUD and frame statistics.
	Name() string
	// Prepare does the conversion of m that drawing it needs and that
	// does not depend on the view (vertex buffers and their fixed
	// attributes), for at most about budget (zero means until done), so a
	// caller can spread a big mesh over several frames. It reports whether
	// m is ready; Draw prepares what is left of a mesh it meets.
	Prepare(m *mesh.Mesh, budget time.Duration) bool
	// Forget drops what Prepare and Draw keep for m, once m is no longer
	// shown.
	Forget(m *mesh.Mesh)
	// Bytes returns the memory Prepare and Draw keep for m, for the store
	// that budgets everything derived from a mesh.
	Bytes(m *mesh.Mesh) int64
	// Draw fills each view's viewport in dst with the view's background
	// and draws its items, cropped to the viewport. Pixels outside every
	// viewport are left as they are. The views are only read, during the
	// call.
	Draw(dst *ebiten.Image, views []scene.View)
	// Cost returns the backend's cost model, measured from the frames it
	// has drawn (before any, an estimate for this kind of backend).
	Cost() scene.Cost
	// Dispose frees the renderer's images and workers. The renderer must
	// not be used afterwards.
	Dispose()
}

// Kind selects a backend for New.
type Kind string

const (
	KindGPU Kind = "gpu"
	KindCPU Kind = "cpu"
)

// New returns a renderer of the given kind.
func New(kind Kind) (Renderer, error) {
	switch kind {
	case KindGPU:
		return NewGPU(), nil
	case KindCPU:
		return NewCPU(), nil
	}
	return nil, fmt.Errorf("render: unknown renderer %q (want gpu or cpu)", kind)
}
