package ui

import (
	"bytes"
	"image/color"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font/gofont/goregular"
)

// fontSize is the HUD's text size in pixels; lineHeight leaves room for it.
const fontSize = 13

var (
	faceOnce sync.Once
	hudFace  *text.GoTextFace
)

// face returns the HUD's font: Go Regular, from golang.org/x/image.
func face() *text.GoTextFace {
	faceOnce.Do(func() {
		src, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
		if err != nil {
			panic("ui: the embedded Go font does not parse: " + err.Error())
		}
		hudFace = &text.GoTextFace{Source: src, Size: fontSize}
	})
	return hudFace
}

// measure returns the width of s in the HUD's font, rounded up.
func measure(s string) int {
	return int(text.AdvanceAt(s, len(s), face()) + 0.999)
}

// drawOps draws the HUD operations onto dst, in order.
func drawOps(dst *ebiten.Image, ops []hudOp) {
	for i := range ops {
		op := &ops[i]
		switch op.Kind {
		case opFill:
			fillRect(dst, op.Rect.Min.X, op.Rect.Min.Y, op.Rect.Dx(), op.Rect.Dy(), op.Color)
		case opBar:
			r := op.Rect
			fillRect(dst, r.Min.X, r.Min.Y, r.Dx(), r.Dy(), trackColor)
			fillRect(dst, r.Min.X, r.Min.Y, int(float64(r.Dx())*min(max(op.Frac, 0), 1)), r.Dy(), barColor)
		case opText:
			drawText(dst, op.Text, op.At.X, op.At.Y, op.Color)
		case opFrame:
			r := op.Rect
			vector.StrokeRect(dst, float32(r.Min.X)+1, float32(r.Min.Y)+1, float32(r.Dx())-2, float32(r.Dy())-2, 2, op.Color, false)
		case opLine:
			vector.StrokeLine(dst, float32(op.At.X)+0.5, float32(op.At.Y)+0.5, float32(op.To.X)+0.5, float32(op.To.Y)+0.5, 2, op.Color, true)
		case opMarker:
			fillRect(dst, op.At.X-3, op.At.Y-3, 7, 7, color.RGBA{0, 0, 0, 255})
			fillRect(dst, op.At.X-2, op.At.Y-2, 5, 5, op.Color)
		}
	}
}

func fillRect(dst *ebiten.Image, x, y, w, h int, c color.Color) {
	if w > 0 && h > 0 {
		vector.FillRect(dst, float32(x), float32(y), float32(w), float32(h), c, false)
	}
}

// drawText draws s with its top-left corner at x, y (the line's top; the
// text is centred in lineHeight).
func drawText(dst *ebiten.Image, s string, x, y int, c color.Color) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(float64(x), float64(y)+(lineHeight-fontSize*1.25)/2)
	op.ColorScale.ScaleWithColor(c)
	text.Draw(dst, s, face(), op)
}
