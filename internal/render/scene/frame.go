package scene

import (
	"image"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// MinNearRatio bounds the near plane from below, as a fraction of the far
// plane, for when the eye is inside the content or touches it. Depth
// precision depends on far/near, so it is kept no larger than needed.
const MinNearRatio = 1.0 / 1000

// NearFar returns near and far clip distances for the camera that enclose
// box b (in world space) and hug it: the least and greatest view depth of
// the box's corners, widened by a thousandth of the box's radius against
// rounding. When the box reaches behind the eye or close to it, near is
// far·MinNearRatio. For an empty box, or one wholly behind the eye, it
// returns a range around the target.
func (c *Camera) NearFar(b mesh.Box) (near, far float32) {
	if b.IsEmpty() {
		return c.Distance * MinNearRatio * 2, c.Distance * 2
	}
	view := c.View()
	near, far = float32(3.4e38), float32(-3.4e38)
	for k := range 8 {
		p := b.Min
		for a := range 3 {
			if k&(1<<a) != 0 {
				p[a] = b.Max[a]
			}
		}
		d := -mgl32.TransformCoordinate(p, view)[2] // depth in front of the eye
		near, far = min(near, d), max(far, d)
	}
	pad := b.Radius()*1e-3 + 1e-30
	near, far = near-pad, far+pad
	if c.Ortho {
		// No perspective divide: the planes may lie behind the eye, which
		// only has a direction.
		return near, far
	}
	if !(far > 0) {
		return c.Distance * MinNearRatio * 2, c.Distance * 2
	}
	return max(near, far*MinNearRatio), far
}

// Frame is everything a backend derives from a View before drawing it: the
// matrices, the depth range and the viewport transform. Both backends make
// their pixels from a Frame, so they agree on where every vertex lands.
// A Frame is a plain value; any goroutine may use its methods.
type Frame struct {
	Viewport       image.Rectangle // the target pixels, y down
	Aspect         float32         // Viewport's width over height
	Bounds         mesh.Box        // world bounds of the items (View.Bounds)
	Near, Far      float32         // from Camera.NearFar(Bounds)
	View           mgl32.Mat4      // world to view space
	Projection     mgl32.Mat4      // view to clip space
	ViewProjection mgl32.Mat4      // Projection · View
}

// Frame computes v's Frame. It allocates nothing.
func (v *View) Frame() Frame {
	f := Frame{Viewport: v.Viewport, Bounds: v.Bounds()}
	if w, h := v.Viewport.Dx(), v.Viewport.Dy(); w > 0 && h > 0 {
		f.Aspect = float32(w) / float32(h)
	} else {
		f.Aspect = 1
	}
	f.Near, f.Far = v.Camera.NearFar(f.Bounds)
	f.View = v.Camera.View()
	f.Projection = v.Camera.Projection(f.Aspect, f.Near, f.Far)
	f.ViewProjection = f.Projection.Mul4(f.View)
	return f
}

// MVP returns the matrix from an item's model space (given its Model
// matrix) to clip space.
func (f *Frame) MVP(model mgl32.Mat4) mgl32.Mat4 {
	return f.ViewProjection.Mul4(model)
}

// NormalMatrix returns the matrix that takes a model-space face normal to
// view space: the inverse transpose of View·Model's upper 3×3. The result
// is not of unit length when the model scales; Shade normalises. A
// singular model gives the zero matrix (every face shaded Ambient).
func (f *Frame) NormalMatrix(model mgl32.Mat4) mgl32.Mat3 {
	return f.View.Mul4(model).Mat3().Inv().Transpose()
}

// Mirrors reports whether model turns space inside out (a negative
// determinant, as a scale by -1 along one axis does). Such a transform
// also flips the winding on screen: a backend must then treat clockwise
// triangles as front-facing to cull the right ones.
func Mirrors(model mgl32.Mat4) bool {
	return model.Mat3().Det() < 0
}

// PixelTransform is the viewport mapping every backend uses: a point
// with normalised device coordinates x, y lands at target pixel
// coordinates (CX + SX·x, CY − SY·y), so x = -1 is the viewport's left
// edge and +1 its right edge, y = +1 its top edge and -1 its bottom.
// Pixel (i, j) covers [i, i+1) × [j, j+1) and is sampled at its centre
// (i+0.5, j+0.5).
type PixelTransform struct{ CX, CY, SX, SY float32 }

// Pixels returns the frame's PixelTransform.
func (f *Frame) Pixels() PixelTransform {
	hw, hh := float32(f.Viewport.Dx())/2, float32(f.Viewport.Dy())/2
	return PixelTransform{float32(f.Viewport.Min.X) + hw, float32(f.Viewport.Min.Y) + hh, hw, hh}
}

// ToPixel maps normalised device coordinates to target pixel coordinates
// (see PixelTransform).
func (f *Frame) ToPixel(ndcX, ndcY float32) (x, y float32) {
	t := f.Pixels()
	return t.CX + t.SX*ndcX, t.CY - t.SY*ndcY
}

// ToNDC is the inverse of ToPixel: it maps target pixel coordinates, such
// as the cursor's, to normalised device coordinates for Camera.ZoomAt.
func (f *Frame) ToNDC(x, y float32) (ndcX, ndcY float32) {
	t := f.Pixels()
	return (x - t.CX) / t.SX, (t.CY - y) / t.SY
}

// Unproject returns the world point at target pixel coordinates x, y and
// NDC depth z: the inverse of Project.
func (f *Frame) Unproject(x, y, z float32) mgl32.Vec3 {
	nx, ny := f.ToNDC(x, y)
	p := f.ViewProjection.Inv().Mul4x1(mgl32.Vec4{nx, ny, z, 1})
	return p.Vec3().Mul(1 / p[3])
}

// Project maps a world point to target pixel coordinates and NDC depth
// (-1 at the near plane, +1 at the far one). ok is false for a point at or
// behind the eye's plane, which has no image.
func (f *Frame) Project(p mgl32.Vec3) (x, y, z float32, ok bool) {
	c := f.ViewProjection.Mul4x1(p.Vec4(1))
	if !(c[3] > 0) {
		return 0, 0, 0, false
	}
	x, y = f.ToPixel(c[0]/c[3], c[1]/c[3])
	return x, y, c[2] / c[3], true
}
