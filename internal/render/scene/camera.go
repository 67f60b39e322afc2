package scene

import (
	"fmt"
	"math"
	"strings"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// DefaultFOV is the vertical field of view NewCamera sets: 35 degrees.
const DefaultFOV = 35 * math.Pi / 180

// FitMargin is how much larger than the content's bounding sphere Fit
// frames: 1.1 leaves a 10% border.
const FitMargin = 1.1

// MaxElevation is the largest |Elevation| Orbit allows: straight down (or
// up) at the target. The camera's basis comes from the azimuth alone, so
// the pole is not a singularity; clamping there stops the picture from
// turning upside down when the drag goes on.
const MaxElevation = math.Pi / 2

// Camera is an orbit camera: it looks at Target from Distance away, from a
// direction given by Azimuth and Elevation about the world's Up axis.
//
// With Azimuth and Elevation zero the camera shows the Front view. A
// positive Azimuth turns the model counter-clockwise seen from above, as a
// turntable would (the camera moves clockwise): the Right view is Azimuth
// -90°. A positive Elevation raises the eye; ±90° looks straight down or
// up. Camera is a plain value: copy it freely, but do not change one
// value on one goroutine while another reads it.
type Camera struct {
	Target    mgl32.Vec3 // the point looked at and orbited around
	Distance  float32    // from the eye to Target; must be > 0
	Azimuth   float32    // radians, about Up
	Elevation float32    // radians, in [-MaxElevation, MaxElevation]
	FOV       float32    // vertical field of view, radians, in (0, π)
	Up        Axis       // the world axis shown upward on screen
	// Ortho makes the projection orthographic: parallel rays, no
	// perspective. Its view shows the same extent at the target as the
	// perspective one does (the height 2·Distance·tan(FOV/2)), so
	// switching keeps the part's size on screen, and Distance still
	// zooms.
	Ortho bool
}

// NewCamera returns a camera with the given up axis showing the Iso view
// of the unit sphere at the origin. Call Fit to frame a mesh.
func NewCamera(up Axis) Camera {
	c := Camera{Distance: 1, FOV: DefaultFOV, Up: up}
	c.SetView(Iso)
	c.fitSphere(mgl32.Vec3{}, 1, 1)
	return c
}

// Basis returns the camera's orthonormal frame in world space: right and
// up are the screen's right and up directions and back points from the
// target toward the eye (the camera looks along -back). right × up = back.
func (c *Camera) Basis() (right, up, back mgl32.Vec3) {
	u := c.Up.Vec()
	front, r := c.Up.basis()
	sa, ca := math.Sincos(float64(c.Azimuth))
	se, ce := math.Sincos(float64(c.Elevation))
	// Horizontal unit vectors: toward the eye, and screen right.
	toEye := front.Mul(-float32(ca)).Sub(r.Mul(float32(sa)))
	right = r.Mul(float32(ca)).Sub(front.Mul(float32(sa)))
	back = toEye.Mul(float32(ce)).Add(u.Mul(float32(se)))
	up = back.Cross(right)
	return right, up, back
}

// Eye returns the camera's position in world space.
func (c *Camera) Eye() mgl32.Vec3 {
	_, _, back := c.Basis()
	return c.Target.Add(back.Mul(c.Distance))
}

// View returns the world-to-view matrix: right-handed, the eye at the
// origin looking along -Z with Y up, as OpenGL's lookAt makes it.
func (c *Camera) View() mgl32.Mat4 {
	r, u, b := c.Basis()
	e := c.Target.Add(b.Mul(c.Distance))
	return mgl32.Mat4{
		r[0], u[0], b[0], 0,
		r[1], u[1], b[1], 0,
		r[2], u[2], b[2], 0,
		-r.Dot(e), -u.Dot(e), -b.Dot(e), 1,
	}
}

// Projection returns the OpenGL projection matrix, perspective for the
// camera's FOV or orthographic (see Ortho): view space to clip space, with
// near mapped to NDC z = -1 and far to +1. aspect is the viewport's width
// over its height.
func (c *Camera) Projection(aspect, near, far float32) mgl32.Mat4 {
	if c.Ortho {
		h := c.Distance * c.tanHalfFOV()
		return mgl32.Ortho(-h*aspect, h*aspect, -h, h, near, far)
	}
	return mgl32.Perspective(c.FOV, aspect, near, far)
}

// Orbit turns the camera about the target: dAz radians of azimuth (a
// positive value turns the model counter-clockwise seen from above) and
// dEl of elevation (positive raises the eye), clamping the elevation to
// ±MaxElevation. The distance does not change.
func (c *Camera) Orbit(dAz, dEl float32) {
	az := math.Remainder(float64(c.Azimuth+dAz), 2*math.Pi)
	c.Azimuth = float32(az)
	c.Elevation = min(max(c.Elevation+dEl, -MaxElevation), MaxElevation)
}

// Pan moves the camera parallel to the screen so that the point of the
// target plane (the plane through Target facing the camera) that was under
// the cursor follows it: dx, dy is the cursor's move in pixels (y down) and
// viewportHeight the height of the view in pixels. A viewportHeight <= 0
// does nothing.
func (c *Camera) Pan(dx, dy float32, viewportHeight int) {
	if viewportHeight <= 0 {
		return
	}
	s := 2 * c.Distance * c.tanHalfFOV() / float32(viewportHeight) // world units per pixel
	right, up, _ := c.Basis()
	c.Target = c.Target.Sub(right.Mul(dx * s)).Add(up.Mul(dy * s))
}

// ZoomAt moves the camera toward the cursor: the distance is divided by
// factor (> 1 zooms in, < 1 out) and the target moves so that the point of
// the target plane under the cursor stays under it. ndcX, ndcY is the
// cursor in normalised device coordinates (Frame.ToNDC) and aspect the
// viewport's width over height. A factor that is not positive does nothing.
func (c *Camera) ZoomAt(factor, ndcX, ndcY, aspect float32) {
	if !(factor > 0) {
		return
	}
	t := c.Distance * c.tanHalfFOV()
	right, up, _ := c.Basis()
	p := c.Target.Add(right.Mul(ndcX * aspect * t)).Add(up.Mul(ndcY * t))
	// Scaling the camera about p keeps the ray from the eye to p, so p
	// keeps its place on screen.
	c.Target = p.Add(c.Target.Sub(p).Mul(1 / factor))
	c.Distance /= factor
}

// Fit frames box b: the target moves to the box's centre, the viewing
// direction is kept, and the distance becomes the least at which all eight
// corners of the box lie within the field of view with a margin (each
// corner at most 1/FitMargin of the way from the centre of the view to its
// edge). aspect is the viewport's width over height. Framing the corners
// rather than the bounding sphere makes long parts fill the view as they
// do in other viewers. An empty box leaves the camera unchanged; a single
// point is framed as a sphere of radius 1.
func (c *Camera) Fit(b mesh.Box, aspect float32) {
	if b.IsEmpty() {
		return
	}
	center := b.Center()
	if !(b.Radius() > 0) {
		c.fitSphere(center, 1, aspect)
		return
	}
	right, up, back := c.Basis()
	tanY := c.tanHalfFOV()
	tanX := tanY * aspect
	d := float32(0)
	for k := range 8 {
		p := b.Min
		for a := range 3 {
			if k&(1<<a) != 0 {
				p[a] = b.Max[a]
			}
		}
		p = p.Sub(center)
		x, y, z := abs32(p.Dot(right)), abs32(p.Dot(up)), p.Dot(back) // z: toward the eye
		if c.Ortho {
			// The half-widths of the view are d·tan at every depth.
			d = max(d, x*FitMargin/tanX, y*FitMargin/tanY)
			continue
		}
		// The corner is z nearer the eye than the target, so at depth
		// d - z, where the half-widths of the view are (d - z)·tan.
		d = max(d, z+x*FitMargin/tanX, z+y*FitMargin/tanY)
	}
	c.Target = center
	c.Distance = d
}

// FitPoints is Fit for the points in pos (x, y, z triples) instead of a
// box's corners: the distance becomes the least at which every point lies
// within the field of view with the margin, around the target at the
// centre of box b (which must hold them). Framing a part's own points
// makes round parts fill the view as well as boxes do, where a bounding
// box's corners leave them small. A call with no points is Fit(b).
func (c *Camera) FitPoints(pos []float32, b mesh.Box, aspect float32) {
	if len(pos) < 3 || b.IsEmpty() || !(b.Radius() > 0) {
		c.Fit(b, aspect)
		return
	}
	center := b.Center()
	right, up, back := c.Basis()
	tanY := c.tanHalfFOV()
	tanX := tanY * aspect
	d := float32(0)
	for i := 0; i+2 < len(pos); i += 3 {
		p := mgl32.Vec3{pos[i], pos[i+1], pos[i+2]}.Sub(center)
		x, y, z := abs32(p.Dot(right)), abs32(p.Dot(up)), p.Dot(back)
		if c.Ortho {
			d = max(d, x*FitMargin/tanX, y*FitMargin/tanY)
			continue
		}
		d = max(d, z+x*FitMargin/tanX, z+y*FitMargin/tanY)
	}
	// The eye stays outside the part.
	d = max(d, b.Radius()*1.01)
	if !(d > 0) {
		c.Fit(b, aspect)
		return
	}
	c.Target = center
	c.Distance = d
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// fitSphere frames the sphere of the given centre and radius: the sphere,
// enlarged by FitMargin, just fits the narrower field of view.
func (c *Camera) fitSphere(center mgl32.Vec3, r, aspect float32) {
	t := c.tanHalfFOV() * min(1, aspect)
	// The sphere touches the frustum's sides when sin(half angle) = r/d.
	sinHalf := t / float32(math.Sqrt(float64(1+t*t)))
	c.Target = center
	c.Distance = r * FitMargin / sinHalf
}

// SetView turns the camera to a standard view, keeping its target,
// distance and field of view.
func (c *Camera) SetView(v StandardView) {
	c.Azimuth, c.Elevation = v.Angles()
}

// SetDegrees sets the azimuth and elevation in degrees, as the
// --azimuth and --elevation flags give them; the elevation is clamped to
// ±90.
func (c *Camera) SetDegrees(azimuth, elevation float32) {
	c.Azimuth = float32(math.Remainder(float64(mgl32.DegToRad(azimuth)), 2*math.Pi))
	c.Elevation = min(max(mgl32.DegToRad(elevation), -MaxElevation), MaxElevation)
}

// Degrees returns the azimuth and elevation in degrees.
func (c *Camera) Degrees() (azimuth, elevation float32) {
	return mgl32.RadToDeg(c.Azimuth), mgl32.RadToDeg(c.Elevation)
}

func (c *Camera) tanHalfFOV() float32 {
	return float32(math.Tan(float64(c.FOV) / 2))
}

// Axis is a signed world axis, used for the up direction. The zero Axis is
// PlusZ, the usual convention of STL files.
type Axis uint8

// The six axes.
const (
	PlusZ Axis = iota
	MinusZ
	PlusY
	MinusY
	PlusX
	MinusX
)

var axisNames = [...]string{"+Z", "-Z", "+Y", "-Y", "+X", "-X"}

// String returns the axis as ParseUp reads it: "+Z", "-Y" and so on.
func (a Axis) String() string {
	if int(a) < len(axisNames) {
		return axisNames[a]
	}
	return fmt.Sprintf("Axis(%d)", a)
}

// Vec returns the axis as a unit vector; an invalid Axis gives +Z.
func (a Axis) Vec() mgl32.Vec3 {
	var v mgl32.Vec3
	switch a {
	case MinusZ:
		v[2] = -1
	case PlusY:
		v[1] = 1
	case MinusY:
		v[1] = -1
	case PlusX:
		v[0] = 1
	case MinusX:
		v[0] = -1
	default:
		v[2] = 1
	}
	return v
}

// basis returns, for up axis a, the direction the Front view looks along
// and the screen's right in the Front view; right = front × up. For +Z up
// (CAD) the front view looks along +Y with +X to the right; for +Y up
// (OpenGL) it looks along -Z with +X to the right.
func (a Axis) basis() (front, right mgl32.Vec3) {
	x, y, z := mgl32.Vec3{1, 0, 0}, mgl32.Vec3{0, 1, 0}, mgl32.Vec3{0, 0, 1}
	switch a {
	case MinusZ:
		return y.Mul(-1), x
	case PlusY:
		return z.Mul(-1), x
	case MinusY:
		return z, x
	case PlusX:
		return z, y
	case MinusX:
		return z.Mul(-1), y
	}
	return y, x
}

// ParseUp parses an up axis such as "+Z", "z", "-y" (case-insensitive; no
// sign means plus).
func ParseUp(s string) (Axis, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if len(t) == 1 {
		t = "+" + t
	}
	for a, name := range axisNames {
		if t == name {
			return Axis(a), nil
		}
	}
	return 0, fmt.Errorf("scene: unknown up axis %q, want one of +X -X +Y -Y +Z -Z", s)
}

// StandardView is one of the fixed views a CAD viewer offers, relative to
// the camera's Up axis. The zero StandardView is Iso.
type StandardView uint8

// The standard views. Front looks along the Up axis's front direction
// (+Y for +Z up), Top looks down the Up axis with the front direction up
// on screen, and Iso looks down from front-right so that the front, right
// and top faces of a cube show.
const (
	Iso StandardView = iota
	Front
	Back
	Left
	Right
	Top
	Bottom
)

var viewNames = [...]string{"iso", "front", "back", "left", "right", "top", "bottom"}

// IsoElevation is the elevation of the Iso view, atan(1/√2) ≈ 35.26°: the
// eye looks along a cube's diagonal.
const IsoElevation = 0.6154797086703873

// String returns the view's name as ParseView reads it.
func (v StandardView) String() string {
	if int(v) < len(viewNames) {
		return viewNames[v]
	}
	return fmt.Sprintf("StandardView(%d)", v)
}

// Angles returns the view's azimuth and elevation in radians; an invalid
// view gives Iso's.
func (v StandardView) Angles() (azimuth, elevation float32) {
	switch v {
	case Front:
		return 0, 0
	case Back:
		return math.Pi, 0
	case Left:
		return math.Pi / 2, 0
	case Right:
		return -math.Pi / 2, 0
	case Top:
		return 0, math.Pi / 2
	case Bottom:
		return 0, -math.Pi / 2
	}
	return -math.Pi / 4, IsoElevation
}

// ParseView parses a view name such as "iso" or "Front" (case-insensitive).
func ParseView(s string) (StandardView, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for v, name := range viewNames {
		if t == name {
			return StandardView(v), nil
		}
	}
	return 0, fmt.Errorf("scene: unknown view %q, want one of %s", s, strings.Join(viewNames[:], ", "))
}

// Pose is how a picture first looks at a mesh: the world's up axis and
// either a standard view or explicit angles, as the command line gives
// them.
type Pose struct {
	Up                 Axis
	View               StandardView
	Angles             bool    // use Azimuth and Elevation instead of View
	Azimuth, Elevation float32 // degrees
}

// Camera returns the camera of the pose framing box b in a viewport of
// the given aspect (width over height).
func (p Pose) Camera(b mesh.Box, aspect float32) Camera {
	c := NewCamera(p.Up)
	if p.Angles {
		c.SetDegrees(p.Azimuth, p.Elevation)
	} else {
		c.SetView(p.View)
	}
	c.Fit(b, aspect)
	return c
}
