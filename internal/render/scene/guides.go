package scene

import (
	"image/color"
	"math"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Colours of the guides.
var (
	GridColor  = color.RGBA{110, 116, 128, 255}
	AxisColors = [3]color.RGBA{{230, 70, 60, 255}, {80, 200, 90, 255}, {70, 120, 240, 255}} // x, y, z
)

// GridLines returns a grid on the ground under box b: the plane through
// b's lowest point along up, square, a little wider than b, its spacing a
// round number (1, 2 or 5 times a power of ten) near a tenth of b's
// extent, so that it reads as a scale. An empty box has no grid.
func GridLines(b mesh.Box, up Axis) []Line {
	if b.IsEmpty() {
		return nil
	}
	u := up.Vec()
	k := 0 // the up axis's index
	for i := range 3 {
		if u[i] != 0 {
			k = i
		}
	}
	i, j := (k+1)%3, (k+2)%3
	s := b.Size()
	ext := max(s[i], s[j], s[k], 1e-6)
	step := niceStep(float64(ext) / 10)
	c := b.Center()
	half := float32(math.Ceil(float64(max(s[i], s[j])*0.6)/step) * step)
	ground := b.Min[k]
	if u[k] < 0 {
		ground = b.Max[k]
	}
	ci := float32(math.Round(float64(c[i])/step) * step)
	cj := float32(math.Round(float64(c[j])/step) * step)
	n := int(math.Round(float64(half) / step))
	var lines []Line
	for t := -n; t <= n; t++ {
		off := float32(float64(t) * step)
		var a, b1, a2, b2 mgl32.Vec3
		a[i], a[j], a[k] = ci+off, cj-half, ground
		b1[i], b1[j], b1[k] = ci+off, cj+half, ground
		a2[i], a2[j], a2[k] = ci-half, cj+off, ground
		b2[i], b2[j], b2[k] = ci+half, cj+off, ground
		lines = append(lines, Line{A: a, B: b1, Color: GridColor}, Line{A: a2, B: b2, Color: GridColor})
	}
	return lines
}

// niceStep returns the round number nearest above x among 1, 2 and 5
// times a power of ten.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// AxisLines returns the x, y and z axes from the origin, in red, green
// and blue, each as long as b's largest extent and a half (at least 1).
func AxisLines(b mesh.Box) []Line {
	s := b.Size()
	l := max(s[0], s[1], s[2]) * 1.5
	if !(l > 0) {
		l = 1
	}
	var lines []Line
	for k := range 3 {
		var e mgl32.Vec3
		e[k] = l
		lines = append(lines, Line{A: mgl32.Vec3{}, B: e, Color: AxisColors[k]})
	}
	return lines
}
