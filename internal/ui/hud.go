package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/stlview/stlview/internal/explain"
)

// The HUD is laid out as a list of drawing operations by pure functions of
// a model, then drawn by drawOps. Tests check the layout without a window.

// opKind is what a hudOp draws.
type opKind uint8

const (
	opFill   opKind = iota // Rect in Color
	opBar                  // a progress bar in Rect, Frac of it filled
	opText                 // Text with its top-left at At, in Color
	opFrame                // the outline of Rect, 2 pixels wide, in Color
	opLine                 // a line from At to To, in Color
	opMarker               // a small square marker centred on At, in Color
)

type hudOp struct {
	Kind  opKind
	Rect  image.Rectangle
	At    image.Point
	To    image.Point
	Text  string
	Color color.RGBA
	Frac  float64
}

// Colours of the HUD.
var (
	panelColor = color.RGBA{12, 14, 18, 210}
	textColor  = color.RGBA{230, 232, 236, 255}
	dimColor   = color.RGBA{150, 156, 166, 255}
	errorColor = color.RGBA{255, 110, 100, 255}
	barColor   = color.RGBA{90, 160, 255, 255}
	trackColor = color.RGBA{60, 64, 72, 255}
)

// Text metrics the layout assumes: lineHeight is the distance between
// lines, pad the inner margin of panels.
const (
	lineHeight = 18
	pad        = 8
	barHeight  = 6
)

// measureFunc returns the width in pixels of s in the HUD's font.
type measureFunc func(s string) int

// loadRow is a file in flight or failed, as the progress panel lists it.
type loadRow struct {
	Name     string
	Progress float64 // 0..1
	Queued   bool
	Stage    string // what the worker does with it: reading, welding, simplifying
	Err      string // for a failed file
}

// progressModel is what the progress panel shows.
type progressModel struct {
	Done, Total int     // files settled, files known
	Fraction    float64 // overall progress by bytes, 0..1
	Loading     []loadRow
	Failed      []loadRow
	Scanning    int // folders still being listed
}

// Limits of the progress panel.
const (
	maxLoadingRows = 6
	maxFailedRows  = 5
	progressWidth  = 440
)

// layoutProgress lays out the progress panel in the bottom-left corner of
// screen: a title with done/total and the percentage, an overall bar, a
// row per file in flight (name, bar, percent) and the failed files with
// their errors. It returns nil when there is nothing to report.
func layoutProgress(m progressModel, screen image.Rectangle, measure measureFunc) []hudOp {
	pending := m.Done < m.Total || m.Scanning > 0
	if !pending && len(m.Failed) == 0 {
		return nil
	}
	loading := m.Loading[:min(len(m.Loading), maxLoadingRows)]
	failed := m.Failed[:min(len(m.Failed), maxFailedRows)]
	lines := 0
	if pending {
		lines = 1 + len(loading) // title + rows, plus the bar
		if len(m.Loading) > len(loading) {
			lines++
		}
	}
	if len(m.Failed) > 0 {
		lines += 1 + len(failed)
		if len(m.Failed) > len(failed) {
			lines++
		}
	}
	w := min(progressWidth, screen.Dx()-2*pad)
	h := lines*lineHeight + 2*pad
	if pending {
		h += barHeight + 4
	}
	panel := image.Rect(screen.Min.X+pad, screen.Max.Y-pad-h, screen.Min.X+pad+w, screen.Max.Y-pad)
	ops := []hudOp{{Kind: opFill, Rect: panel, Color: panelColor}}
	x, y := panel.Min.X+pad, panel.Min.Y+pad
	inner := w - 2*pad
	text := func(s string, c color.RGBA) {
		ops = append(ops, hudOp{Kind: opText, At: image.Pt(x, y), Text: ellipsize(s, inner, measure), Color: c})
		y += lineHeight
	}
	if pending {
		title := fmt.Sprintf("Loading %d/%d files, %.0f%%", m.Done, m.Total, 100*m.Fraction)
		if m.Scanning > 0 {
			title += fmt.Sprintf(", listing %d %s", m.Scanning, plural(m.Scanning, "folder", "folders"))
		}
		text(title, textColor)
		ops = append(ops, hudOp{Kind: opBar, Rect: image.Rect(x, y, x+inner, y+barHeight), Frac: m.Fraction})
		y += barHeight + 4
		nameW := inner * 55 / 100
		for _, r := range loading {
			ops = append(ops, hudOp{Kind: opText, At: image.Pt(x, y), Text: ellipsize(r.Name, nameW-pad, measure), Color: textColor})
			bar := image.Rect(x+nameW, y+lineHeight/2-barHeight/2, x+inner-68, y+lineHeight/2+barHeight/2)
			ops = append(ops, hudOp{Kind: opBar, Rect: bar, Frac: r.Progress})
			pct := fmt.Sprintf("%3.0f%%", 100*r.Progress)
			switch {
			case r.Queued:
				pct = "queued"
			case r.Stage != "" && r.Stage != "reading":
				pct = r.Stage
			}
			ops = append(ops, hudOp{Kind: opText, At: image.Pt(x+inner-64, y), Text: pct, Color: dimColor})
			y += lineHeight
		}
		if more := len(m.Loading) - len(loading); more > 0 {
			text(fmt.Sprintf("and %d more", more), dimColor)
		}
	}
	if len(m.Failed) > 0 {
		text(fmt.Sprintf("%d failed:", len(m.Failed)), errorColor)
		for _, r := range failed {
			text(r.Name+": "+r.Err, errorColor)
		}
		if more := len(m.Failed) - len(failed); more > 0 {
			text(fmt.Sprintf("and %d more", more), dimColor)
		}
	}
	return ops
}

// layoutPanel lays out lines in a panel at the top-left of area.
func layoutPanel(lines []string, area image.Rectangle, measure measureFunc) []hudOp {
	if len(lines) == 0 {
		return nil
	}
	w := 0
	for _, l := range lines {
		w = max(w, measure(l))
	}
	w = min(w+2*pad, area.Dx()-2*pad)
	panel := image.Rect(area.Min.X+pad, area.Min.Y+pad, area.Min.X+pad+w, area.Min.Y+pad+len(lines)*lineHeight+2*pad)
	ops := []hudOp{{Kind: opFill, Rect: panel, Color: panelColor}}
	for i, l := range lines {
		c := textColor
		if i > 0 {
			c = dimColor
		}
		ops = append(ops, hudOp{Kind: opText, At: image.Pt(panel.Min.X+pad, panel.Min.Y+pad+i*lineHeight), Text: ellipsize(l, w-2*pad, measure), Color: c})
	}
	return ops
}

// helpLines are the help overlay's lines: a heading (with nothing in
// Does), or a binding, its keys and what they do. The font is
// proportional, so the two columns are laid out apart, not with spaces.
// helpLine is a line of the help: a heading (with nothing in Does), or a
// binding, its keys and what they do.
type helpLine struct{ Keys, Does string }

var helpLines = []helpLine{
	{"Mouse", ""},
	{"left drag", "orbit"},
	{"right drag", "pan (or middle drag)"},
	{"wheel", "zoom (gallery: scroll)"},
	{"click", "open; in a file: pick"},
	{"Shift+click", "pick, no snapping"},
	{"Ctrl+wheel", "move the section"},
	{"Gallery", ""},
	{"arrows, Home", "select a file"},
	{"Enter", "open the selected file"},
	{"Page Up, Down", "scroll a page"},
	{"A file", ""},
	{"Esc", "clear points, go back"},
	{"← / →", "previous / next file"},
	{"F, R", "fit, reset the view"},
	{"1 … 6, 0", "standard views, iso"},
	{"X", "section: x, y, z, off"},
	{"[ / ]", "move the section"},
	{"P", "holes and bad edges"},
	{"Anywhere", ""},
	{"W", "wireframe"},
	{"B", "tint inverted faces"},
	{"O", "orthographic camera"},
	{"N", "smooth shading"},
	{"E", "feature edges"},
	{"G, A", "grid, axes"},
	{"L", "list what failed"},
	{"S", "save the picture"},
	{"H or ?", "this help"},
	{"Q", "quit"},
	{"Drop files to add them.", ""},
}

// layoutHelp centres the help overlay in screen: the headings, and the
// bindings indented below them, their descriptions lined up in a second
// column. When the lines do not fit the screen's height, they go in two
// blocks side by side, split at a heading.
func layoutHelp(screen image.Rectangle, measure measureFunc) []hudOp {
	lines := helpLines
	blocks := [][]helpLine{lines}
	if len(lines)*lineHeight+2*pad > screen.Dy() {
		split := len(lines) / 2
		for split < len(lines) && lines[split].Does != "" {
			split++
		}
		blocks = [][]helpLine{lines[:split], lines[split:]}
	}
	const indent, gap, between = pad, 2 * pad, 2 * pad
	type size struct{ keys, w int }
	sizes := make([]size, len(blocks))
	w, rows := 0, 0
	for i, b := range blocks {
		for _, l := range b {
			if l.Does != "" {
				sizes[i].keys = max(sizes[i].keys, measure(l.Keys))
			}
		}
		for _, l := range b {
			if l.Does == "" {
				sizes[i].w = max(sizes[i].w, measure(l.Keys))
			} else {
				sizes[i].w = max(sizes[i].w, indent+sizes[i].keys+gap+measure(l.Does))
			}
		}
		w += sizes[i].w
		rows = max(rows, len(b))
	}
	w += 2*pad + between*(len(blocks)-1)
	h := rows*lineHeight + 2*pad
	c := screen.Min.Add(screen.Size().Div(2))
	panel := image.Rect(c.X-w/2, c.Y-h/2, c.X-w/2+w, c.Y-h/2+h).Intersect(screen)
	ops := []hudOp{{Kind: opFill, Rect: panel, Color: panelColor}}
	x := panel.Min.X + pad
	for i, b := range blocks {
		for k, l := range b {
			y := panel.Min.Y + pad + k*lineHeight
			if l.Does == "" {
				ops = append(ops, hudOp{Kind: opText, At: image.Pt(x, y), Text: l.Keys, Color: textColor})
				continue
			}
			ops = append(ops,
				hudOp{Kind: opText, At: image.Pt(x+indent, y), Text: l.Keys, Color: dimColor},
				hudOp{Kind: opText, At: image.Pt(x+indent+sizes[i].keys+gap, y), Text: l.Does, Color: dimColor})
		}
		x += sizes[i].w + between
	}
	return ops
}

// layoutWrapped lays out s word-wrapped to r's width, as many lines as
// fit in r.
func layoutWrapped(s string, r image.Rectangle, c color.RGBA, measure measureFunc) []hudOp {
	var ops []hudOp
	y := r.Min.Y
	line := ""
	flush := func() {
		if line != "" && y+lineHeight <= r.Max.Y {
			ops = append(ops, hudOp{Kind: opText, At: image.Pt(r.Min.X, y), Text: ellipsize(line, r.Dx(), measure), Color: c})
			y += lineHeight
		}
		line = ""
	}
	for _, w := range strings.Fields(s) {
		if line != "" && measure(line+" "+w) > r.Dx() {
			flush()
		}
		if line == "" {
			line = w
		} else {
			line += " " + w
		}
	}
	flush()
	return ops
}

// ellipsize shortens s with "…" until it fits in w pixels.
func ellipsize(s string, w int, measure measureFunc) string {
	if measure(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && measure(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// explainShort returns what is wrong, for a place that names the source
// already (a cell's label, a row of a panel).
func explainShort(err error) string { return explain.Error(err) }

// thousands formats n with spaces between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	if s[0] == '-' {
		b.WriteByte('-')
		s = s[1:]
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// num formats a length with four significant digits.
func num(v float32) string { return fmt.Sprintf("%.4g", v) }

// bytesText formats a size in B, kB, MB or GB. Sizes that would round up
// to 1000.0 of a unit are given in the next one.
func bytesText(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 999_950:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 999_950_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// plural returns one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
