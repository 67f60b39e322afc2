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
	r   *raster.Renderer
	img *image.RGBA // the picture, the size of the last target
	buf []byte      // one viewport's pixels, contiguous, for WritePixels
}

var _ Renderer = (*CPU)(nil)

// NewCPU returns a CPU renderer that uses every core.
func NewCPU() *CPU { return &CPU{r: raster.New(0)} }

// Name returns "cpu".
func (c *CPU) Name() string { return string(KindCPU) }

// Prepare has nothing to convert: the rasterizer reads meshes as they are.
func (c *CPU) Prepare(*mesh.Mesh, time.Duration) bool { return true }

// Forget has nothing to drop.
func (c *CPU) Forget(*mesh.Mesh) {}

// Draw draws views into dst; see Renderer.
func (c *CPU) Draw(dst *ebiten.Image, views []scene.View) {
	b := dst.Bounds()
	if c.img == nil || c.img.Rect != b {
		c.img = image.NewRGBA(b)
	}
	c.r.Render(c.img, views)
	for i := range views {
		vp := views[i].Viewport.Intersect(b)
		if vp.Empty() {
			continue
		}
		dst.SubImage(vp).(*ebiten.Image).WritePixels(c.pixels(vp))
	}
}

// pixels returns the pixels of rectangle r of c.img, row after row.
func (c *CPU) pixels(r image.Rectangle) []byte {
	row := 4 * r.Dx()
	if r.Min.X == c.img.Rect.Min.X && r.Max.X == c.img.Rect.Max.X {
		off := c.img.PixOffset(r.Min.X, r.Min.Y)
		return c.img.Pix[off : off+row*r.Dy()] // whole rows: already contiguous
	}
	c.buf = resize(c.buf, row*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := c.img.PixOffset(r.Min.X, y)
		copy(c.buf[(y-r.Min.Y)*row:], c.img.Pix[off:off+row])
	}
	return c.buf
}

// Dispose stops the rasterizer's workers; see Renderer.
func (c *CPU) Dispose() {
	c.r.Close()
	c.img, c.buf = nil, nil
}
