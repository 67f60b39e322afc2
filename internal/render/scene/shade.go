package scene

import (
	"image/color"
	"math"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Flat shading with a headlight: a face's colour is its base colour times
// Ambient + Diffuse·max(0, n·L), n its unit normal and L LightDir, both in
// view space. The light sits slightly above and to the right of the eye,
// so faces square to the view are bright and the ones beside them are
// told apart.
const (
	Ambient float32 = 0.3
	Diffuse float32 = 0.7

	lightX, lightY, lightZ = 0.26832816, 0.35777088, 0.89442719 // (0.3, 0.4, 1) normalised
)

// LightDir returns the unit vector from a surface toward the light, in
// view space (the eye looks along -Z, Y up).
func LightDir() mgl32.Vec3 { return mgl32.Vec3{lightX, lightY, lightZ} }

// DefaultColor is the base colour of faces that neither their mesh nor
// their Item colours: a light grey-blue. Treat it as a constant.
var DefaultColor = mesh.Color{R: 176, G: 190, B: 214, A: 255}

// DefaultBackground is a dark background that DefaultColor stands out on.
// Treat it as a constant.
var DefaultBackground = color.RGBA{R: 38, G: 41, B: 48, A: 255}

// WireColor is the colour of wireframe edges. Treat it as a constant.
var WireColor = color.RGBA{R: 24, G: 28, B: 38, A: 255}

// WireWidth is the width in pixels of a wireframe edge between two
// visible triangles: a pixel takes WireColor when its centre lies within
// WireWidth/2 of an edge of the triangle that it shows. An outline against
// the background is half as wide.
const WireWidth float32 = 1.5

// Shade returns the flat-shaded colour of a face with view-space normal
// nView (of any non-zero length; zero gives the ambient term alone) and
// base colour base: each channel is round(channel · k) with
// k = Ambient + Diffuse·max(0, n̂·LightDir()). Alpha is 255.
func Shade(nView mgl32.Vec3, base mesh.Color) color.RGBA {
	// Scalar maths on purpose: the renderer calls this for every visible
	// face, and mgl32's Vec3 methods copy the array through memory in a
	// way that stalls the CPU (a 5x slowdown measured).
	x, y, z := nView[0], nView[1], nView[2]
	k := Ambient
	if l := float32(math.Sqrt(float64(x*x + y*y + z*z))); l > 0 {
		k += Diffuse * max(x*lightX+y*lightY+z*lightZ, 0) / l // max: no branch to mispredict
	}
	return color.RGBA{R: scale(base.R, k), G: scale(base.G, k), B: scale(base.B, k), A: 255}
}

func scale(c uint8, k float32) uint8 {
	v := float32(c)*k + 0.5
	if !(v < 255) {
		return 255
	}
	return uint8(v)
}
