package ui

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/analysis"
	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render/scene"
)

// Colours of the gallery's cursor and selection.
var (
	hoverColor    = color.RGBA{120, 130, 150, 255}
	selectedColor = color.RGBA{90, 160, 255, 255}
	staleColor    = color.RGBA{255, 170, 60, 255}
)

// hudOps lays out the HUD: the gallery's labels and frames or the focused
// file's figures and measurement, the top bar, the progress panel, the
// failure list and the help.
func (g *Game) hudOps(now time.Time) []hudOp {
	var ops []hudOp
	screen := image.Rectangle{Max: g.size}
	if g.view.entry == nil {
		ops = g.cellOps(ops)
	} else {
		ops = append(ops, layoutPanel(g.infoLines(g.view.entry), image.Rect(0, topBar, g.size.X, g.size.Y), measure)...)
		ops = g.measureOps(ops)
	}
	ops = append(ops, g.topBarOps(now)...)
	pm := g.progress()
	if g.failures || g.lib.Pending() == 0 {
		pm.Failed = nil // the list (L) shows them; the top bar counts them
	}
	ops = append(ops, layoutProgress(pm, screen, measure)...)
	if g.failures {
		ops = append(ops, layoutFailures(g.failureRows(), screen, measure)...)
	}
	if g.help {
		ops = append(ops, layoutHelp(screen, measure)...)
	}
	return ops
}

// cellOps lays out what the gallery shows over the 3D layer: each visible
// cell's name, the progress of cells still loading, the error of failed
// ones, a mark on files that no longer load, and the frames of the
// hovered and selected cells.
func (g *Game) cellOps(ops []hudOp) []hudOp {
	gl := &g.gallery
	gl.hover = scene.CellAt(gl.cells, g.in.cursor.Add(image.Pt(0, gl.scroll)))
	for i, e := range g.lib.Entries() {
		if i >= len(gl.cells) || !gl.visible(gl.cells[i], g) {
			continue
		}
		c := gl.cells[i]
		off := image.Pt(0, gl.scroll)
		c.Rect, c.View, c.Label = c.Rect.Sub(off), c.View.Sub(off), c.Label.Sub(off)
		col := textColor
		if e.Failed() {
			col = errorColor
		}
		name := ellipsize(e.Name, c.Label.Dx()-4, measure)
		ops = append(ops, hudOp{Kind: opText, At: image.Pt(c.Label.Min.X+(c.Label.Dx()-measure(name))/2, c.Label.Min.Y), Text: name, Color: col})
		switch {
		case e.Failed():
			ops = append(ops, layoutWrapped(explainShort(e.Err), c.View.Inset(4), errorColor, measure)...)
		case e.Stale != nil:
			ops = append(ops, layoutWrapped("changed on disk and no longer loads: "+explainShort(e.Stale), c.View.Inset(4), staleColor, measure)...)
		case !e.Loaded() || (e.reacquire && e.Mesh() == nil):
			mid := c.View.Min.Y + c.View.Dy()/2
			bar := image.Rect(c.View.Min.X+12, mid, c.View.Max.X-12, mid+barHeight)
			ops = append(ops, hudOp{Kind: opText, At: image.Pt(bar.Min.X, mid-lineHeight-2), Text: loadingText(e), Color: dimColor})
			ops = append(ops, hudOp{Kind: opBar, Rect: bar, Frac: e.Progress})
		}
		switch {
		case i == gl.selected:
			ops = append(ops, hudOp{Kind: opFrame, Rect: c.Rect, Color: selectedColor})
		case i == gl.hover:
			ops = append(ops, hudOp{Kind: opFrame, Rect: c.Rect, Color: hoverColor})
		}
	}
	return ops
}

// loadingText says where a load stands: queued, its percentage, or its
// stage once the bytes are read.
func loadingText(e *Entry) string {
	switch {
	case e.State == asyncload.Queued:
		return "queued"
	case e.Stage != asyncload.StageNone && e.Stage != asyncload.StageReading:
		return e.Stage.String()
	}
	return fmt.Sprintf("reading %.0f%%", 100*e.Progress)
}

// fpsAfter is how long the frame rate waits before showing: ActualFPS
// averages over a second.
const fpsAfter = 1500 * time.Millisecond

// topBarOps lays out the top bar: files and triangles on the left, the
// renderer, the frame rate and a hint on the right.
func (g *Game) topBarOps(now time.Time) []hudOp {
	bar := image.Rect(0, 0, g.size.X, topBar)
	c := g.lib.Counts()
	left := fmt.Sprintf("stlview   %d/%d loaded   %s triangles", c.Loaded, c.Shown, thousands(int(g.triangles())))
	if c.Failed > 0 {
		left += fmt.Sprintf("   %d failed (L: list)", c.Failed)
	}
	if c.Stale > 0 {
		verb := "no longer loads"
		if c.Stale > 1 {
			verb = "no longer load"
		}
		left += fmt.Sprintf("   %d %s (L: list)", c.Stale, verb)
	}
	if e := g.view.entry; e != nil {
		entries := g.lib.Entries()
		left = fmt.Sprintf("stlview   %s   (%d of %d, Esc: gallery)", e.Name, indexOf(entries, e)+1, len(entries))
	}
	if g.notice != "" && now.Sub(g.noticeAt) < noticeShown {
		left += "   " + g.notice
	}
	fps := "-- fps"
	if f := ebiten.ActualFPS(); f > 0 && now.Sub(g.started) > fpsAfter {
		fps = fmt.Sprintf("%.0f fps", f)
	}
	right := fmt.Sprintf("%s   %s   H: help", g.rendererNote, fps)
	rw := measure(right)
	return []hudOp{
		{Kind: opFill, Rect: bar, Color: panelColor},
		{Kind: opText, At: image.Pt(pad, (topBar-lineHeight)/2), Text: ellipsize(left, g.size.X-rw-3*pad, measure), Color: textColor},
		{Kind: opText, At: image.Pt(g.size.X-rw-pad, (topBar-lineHeight)/2), Text: right, Color: dimColor},
	}
}

func indexOf(entries []*Entry, e *Entry) int {
	for i, x := range entries {
		if x == e {
			return i
		}
	}
	return -1
}

// progress builds the progress panel's model from the library.
func (g *Game) progress() progressModel {
	entries := g.lib.Entries()
	m := progressModel{Total: len(entries), Scanning: len(g.lib.pending)}
	var done, total float64
	known, sizes := 0, int64(0)
	for _, e := range entries {
		if e.Size > 0 {
			known++
			sizes += e.Size
		}
	}
	avg := 1.0
	if known > 0 {
		avg = float64(sizes) / float64(known)
	}
	for _, e := range entries {
		w := avg
		if e.Size > 0 {
			w = float64(e.Size)
		}
		total += w
		switch {
		case e.State.Final():
			m.Done++
			done += w
		default:
			done += w * e.Progress
			m.Loading = append(m.Loading, loadRow{Name: e.Name, Progress: e.Progress, Queued: e.State == asyncload.Queued, Stage: e.Stage.String()})
		}
	}
	m.Failed = g.failureRows()
	if total > 0 {
		m.Fraction = done / total
	}
	// Files being read first, then the queue.
	loading := m.Loading[:0:0]
	for _, q := range []bool{false, true} {
		for _, r := range m.Loading {
			if r.Queued == q {
				loading = append(loading, r)
			}
		}
	}
	m.Loading = loading
	return m
}

// failureRows lists the entries that failed and those that no longer load.
func (g *Game) failureRows() []loadRow {
	var rows []loadRow
	for _, e := range g.lib.Entries() {
		switch {
		case e.Err != nil:
			rows = append(rows, loadRow{Name: e.Name, Err: explainShort(e.Err)})
		case e.Stale != nil:
			rows = append(rows, loadRow{Name: e.Name, Err: "no longer loads: " + explainShort(e.Stale)})
		}
	}
	return rows
}

// layoutFailures lays out the failure list, in the middle of screen: every
// failed source and why, as many as fit.
func layoutFailures(rows []loadRow, screen image.Rectangle, measure measureFunc) []hudOp {
	w := min(screen.Dx()-4*pad, 760)
	maxRows := max(1, (screen.Dy()-topBar-6*pad)/lineHeight-2)
	shown := rows[:min(len(rows), maxRows)]
	lines := 1 + max(1, len(shown))
	if len(rows) > len(shown) {
		lines++
	}
	h := lines*lineHeight + 2*pad
	c := screen.Min.Add(screen.Size().Div(2))
	panel := image.Rect(c.X-w/2, c.Y-h/2, c.X-w/2+w, c.Y-h/2+h)
	ops := []hudOp{{Kind: opFill, Rect: panel, Color: panelColor}}
	x, y := panel.Min.X+pad, panel.Min.Y+pad
	text := func(s string, col color.RGBA) {
		ops = append(ops, hudOp{Kind: opText, At: image.Pt(x, y), Text: ellipsize(s, w-2*pad, measure), Color: col})
		y += lineHeight
	}
	text(fmt.Sprintf("%d failed (L or Esc: close)", len(rows)), textColor)
	if len(rows) == 0 {
		text("nothing failed", dimColor)
	}
	for _, r := range shown {
		text(r.Name+": "+r.Err, errorColor)
	}
	if more := len(rows) - len(shown); more > 0 {
		text(fmt.Sprintf("and %d more", more), dimColor)
	}
	return ops
}

// infoLines describes a focused file: name, triangles, size, area,
// volume and the check, file size and load time, and its warnings.
func (g *Game) infoLines(e *Entry) []string {
	lines := []string{e.Name}
	if e.Failed() {
		return append(lines, "failed: "+explainShort(e.Err))
	}
	if !e.Loaded() {
		if e.Preview != nil {
			return append(lines, "a preview of the shape; "+loadingText(e))
		}
		return append(lines, loadingText(e))
	}
	u := g.unit()
	s := e.Bounds.Size()
	lines = append(lines,
		fmt.Sprintf("%s triangles, %s vertices", thousands(e.Faces), thousands(e.Info.Vertices)),
		fmt.Sprintf("size %s × %s × %s%s", num(s[0]), num(s[1]), num(s[2]), u),
	)
	if rep := reportOf(e); rep != nil {
		area := fmt.Sprintf("area %s%s", num(float32(rep.Area)), squared(g.opt.Units))
		if v, ok := rep.Volume(); ok {
			area += fmt.Sprintf(", volume %s%s", num(float32(v)), cubed(g.opt.Units))
		}
		lines = append(lines, area)
		lines = append(lines, checkLine(rep))
	} else if se := e.Stored(); se != nil && slices.Contains(g.deferred, se) {
		lines = append(lines, "area, volume and check: once the view is still")
	} else {
		lines = append(lines, "checking…")
	}
	file := e.Info.Format.String()
	if e.Info.Compressed {
		file += ", gzip"
	}
	if e.Size >= 0 {
		file = bytesText(e.Size) + " " + file
	}
	lines = append(lines, fmt.Sprintf("%s, loaded in %.1f ms", file, float64(e.Duration.Microseconds())/1000))
	if n := e.Info.Solids; n > 1 {
		lines = append(lines, fmt.Sprintf("%d solids", n))
	}
	if e.Info.Dropped > 0 || e.Info.Degenerate > 0 {
		lines = append(lines, fmt.Sprintf("%d dropped (not finite), %d degenerate", e.Info.Dropped, e.Info.Degenerate))
	}
	if e.Info.Colors {
		lines = append(lines, "face colours from the file")
	}
	if e.Stale != nil {
		lines = append(lines, "changed on disk and no longer loads: "+explainShort(e.Stale))
	}
	if s := g.view.section; s != nil {
		lines = append(lines, fmt.Sprintf("section at %c = %s%s", "xyz"[s.Axis], num(s.Offset), u))
	}
	return lines
}

// unit returns the unit to write after a length: " mm", or "" for none.
func (g *Game) unit() string {
	if g.opt.Units == "" {
		return ""
	}
	return " " + g.opt.Units
}

func squared(u string) string {
	if u == "" {
		return ""
	}
	return " " + u + "²"
}

func cubed(u string) string {
	if u == "" {
		return ""
	}
	return " " + u + "³"
}

// checkLine sums up an analysis: watertight or what is wrong.
func checkLine(rep *analysis.Report) string {
	var s string
	if rep.Watertight && rep.FlippedFaces == 0 && rep.NonOrientable == 0 {
		s = "watertight"
	} else {
		s = "not watertight:"
		sep := " "
		add := func(n int, one, many string) {
			if n > 0 {
				s += sep + fmt.Sprintf("%d %s", n, plural(n, one, many))
				sep = ", "
			}
		}
		add(rep.Holes, "hole", "holes")
		add(rep.BoundaryEdges, "open edge", "open edges")
		add(rep.NonManifoldEdges, "non-manifold edge", "non-manifold edges")
		add(rep.FlippedFaces, "flipped face", "flipped faces")
		add(rep.NonOrientable, "non-orientable patch", "non-orientable patches")
		if sep == " " {
			s = "not watertight"
		}
	}
	s += fmt.Sprintf(", %d %s", rep.Shells, plural(rep.Shells, "shell", "shells"))
	if rep.InsideOut {
		s += ", inside out"
	}
	return s
}
