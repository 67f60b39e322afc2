package render

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// CPU is the software backend: package raster's exact z-buffer draws the
// views into an image in memory, on every core, and the viewports it drew
// are uploaded to the target with WritePixels. Where OpenGL itself runs on
// the CPU (Mesa's llvmpipe in a virtual machine or under Xvfb) this is
// several times faster than the GPU backend's depth passes.
//
// A CPU may be used only from the game's goroutine (Update and Draw).
type CPU struct {
	r    *raster.Renderer
	img  *image.RGBA // the picture, the size of the last target
	buf  []byte      // one viewport's pixels, contiguous, for WritePixels
	cost costMeter
}

var _ Renderer = (*CPU)(nil)

// cpuPrior is the CPU backend's cost before it has drawn a frame.
var cpuPrior = raster.NominalCost

// NewCPU returns a CPU renderer that uses every core.
func NewCPU() *CPU { return &CPU{r: raster.New(0), cost: costMeter{c: cpuPrior}} }

// Name returns "cpu".
func (c *CPU) Name() string { return string(KindCPU) }

// Prepare has nothing to convert: the rasterizer reads meshes as they are.
func (c *CPU) Prepare(*mesh.Mesh, time.Duration) bool { return true }

// Forget has nothing to drop.
func (c *CPU) Forget(*mesh.Mesh) {}

// Bytes returns 0: the rasterizer keeps nothing per mesh.
func (c *CPU) Bytes(*mesh.Mesh) int64 { return 0 }

// Cost returns the cost measured from the frames drawn so far.
func (c *CPU) Cost() scene.Cost { return c.cost.c }

// Draw draws views into dst; see Renderer.
func (c *CPU) Draw(dst *ebiten.Image, views []scene.View) {
	start := time.Now()
	b := dst.Bounds()
	if c.img == nil || c.img.Rect != b {
		c.img = image.NewRGBA(b)
	}
	c.r.Render(c.img, views)
	rendered := time.Now()
	faces, pixels := 0, 0
	for i := range views {
		vp := views[i].Viewport.Intersect(b)
		if vp.Empty() {
			continue
		}
		var pix []byte
		pix, c.buf = rectPixels(c.buf, c.img, vp)
		dst.SubImage(vp).(*ebiten.Image).WritePixels(pix)
		faces += viewFaces(&views[i])
		pixels += area(vp)
	}
	c.cost.observeSplit(rendered.Sub(start), time.Since(rendered), faces, pixels)
}

// Render draws views into img, in memory, for a caller that puts the
// picture on the screen itself (with WritePixels on the screen, the
// cheapest way there where OpenGL runs on the CPU). Like Draw, it learns
// the backend's Cost, counting the drawing only.
func (c *CPU) Render(img *image.RGBA, views []scene.View) {
	start := time.Now()
	c.r.Render(img, views)
	faces, pixels := 0, 0
	for i := range views {
		if vp := views[i].Viewport.Intersect(img.Rect); !vp.Empty() {
			faces += viewFaces(&views[i])
			pixels += area(vp)
		}
	}
	c.cost.observeSplit(time.Since(start), 0, faces, pixels)
}

// viewFaces returns the faces the levels v draws hold.
func viewFaces(v *scene.View) int {
	n := 0
	for i := range v.Items {
		if m := v.Items[i].Level(v.MaxFaces); m != nil {
			n += m.Faces()
		}
	}
	return n
}

// Dispose stops the rasterizer's workers; see Renderer.
func (c *CPU) Dispose() {
	c.r.Close()
	c.img, c.buf = nil, nil
}
