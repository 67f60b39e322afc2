package edges

import (
	"image/color"

	"github.com/stlview/stlview/internal/render/scene"
)

// The colours feature edges are drawn in, in the window and in pictures:
// sharp edges dark, as a drawing shows them (the wireframe's colour), open
// ones yellow, as the window's overlay of problems shows the edges of
// holes.
var (
	SharpColor = scene.WireColor
	OpenColor  = color.RGBA{255, 210, 40, 255}
)

// Lines returns es as lines to draw over their mesh, sharp edges in
// SharpColor and open ones in OpenColor. The caller owns the result.
func Lines(es []Edge) []scene.Line {
	lines := make([]scene.Line, len(es))
	for i, e := range es {
		c := SharpColor
		if e.Open {
			c = OpenColor
		}
		lines[i] = scene.Line{A: e.A, B: e.B, Color: c}
	}
	return lines
}
