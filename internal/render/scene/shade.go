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

// BackColor is the base colour of faces seen from behind when a view asks
// for them to stand out (View.BackTint): a warning orange.
var BackColor = mesh.Color{R: 235, G: 120, B: 40, A: 255}

// CapColor is the colour of the inside of a part's walls seen through a
// section's cut (View.Section), drawn unshaded so the cut reads as a flat
// face: a deep red, like the hatching of a drawing's section.
var CapColor = color.RGBA{R: 196, G: 62, B: 58, A: 255}

// LineWidth is the width in pixels of View.Lines.
const LineWidth float32 = 1.5

// WireColor is the colour of wireframe edges. Treat it as a constant.
var WireColor = color.RGBA{R: 24, G: 28, B: 38, A: 255}

// WireWidth is the width in pixels of a wireframe edge between two
// visible triangles: a pixel takes WireColor when its centre lies within
// WireWidth/2 of an edge of the triangle that it shows. An outline against
// the background is half as wide.
const WireWidth float32 = 1.5

// ShadeSteps is how finely the shading factor k is quantised: k takes the
// values i/ShadeSteps. The step is far below what 8-bit colour resolves,
// and it lets a renderer shade a face by looking its colour up in a table.
const ShadeSteps = 1024

// ShadeIndex returns the shading factor of a face whose unit view-space
// normal makes cosine cos with LightDir, as an index i with
// k = i/ShadeSteps: k = Ambient + Diffuse·max(0, cos), rounded.
func ShadeIndex(cos float32) int {
	return int((Ambient+Diffuse*max(cos, 0))*ShadeSteps + 0.5) // max: no branch to mispredict
}

// ShadeAt returns base scaled by the shading factor of index i: each
// channel round(channel · i/ShadeSteps), at most 255. Alpha is 255.
func ShadeAt(i int, base mesh.Color) color.RGBA {
	k := float32(i) / ShadeSteps
	return color.RGBA{R: scale(base.R, k), G: scale(base.G, k), B: scale(base.B, k), A: 255}
}

// Shade returns the flat-shaded colour of a face with view-space normal
// nView (of any non-zero length; zero gives the ambient term alone) and
// base colour base: ShadeAt(ShadeIndex(n̂·LightDir()), base).
func Shade(nView mgl32.Vec3, base mesh.Color) color.RGBA {
	// Scalar maths on purpose: mgl32's Vec3 methods copy the array
	// through memory in a way that stalls the CPU (a 5x slowdown measured).
	x, y, z := nView[0], nView[1], nView[2]
	cos := float32(0)
	if l := float32(math.Sqrt(float64(x*x + y*y + z*z))); l > 0 {
		cos = (x*lightX + y*lightY + z*lightZ) / l
	}
	return ShadeAt(ShadeIndex(cos), base)
}

func scale(c uint8, k float32) uint8 {
	v := float32(c)*k + 0.5
	if !(v < 255) {
		return 255
	}
	return uint8(v)
}

// LightCos returns the cosine between LightDir and model-space normal n
// of any length, carried to view space by the normal matrix nm (Frame's
// NormalMatrix), or 0 for a normal that vanishes there. It is the one
// shading rule both backends use for smooth shading's corners.
func LightCos(nm *mgl32.Mat3, n mgl32.Vec3) float32 {
	// m·n by hand: mgl32's Mul3x1 copies arrays through memory, slowly.
	x := nm[0]*n[0] + nm[3]*n[1] + nm[6]*n[2]
	y := nm[1]*n[0] + nm[4]*n[1] + nm[7]*n[2]
	z := nm[2]*n[0] + nm[5]*n[1] + nm[8]*n[2]
	l := float32(math.Sqrt(float64(x*x + y*y + z*z)))
	if !(l > 0) {
		return 0
	}
	return (x*lightX + y*lightY + z*lightZ) / l
}
