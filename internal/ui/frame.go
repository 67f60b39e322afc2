package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"slices"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render/scene"
)

// failuresShown is how long the progress panel keeps listing failed files
// once every load has finished.
const failuresShown = 5 * time.Second

// identity is the model matrix of every item: cameras frame the meshes.
var identity = mgl32.Ident4()

// viewCost is the fixed cost of a view (clearing, three passes), in
// triangles' worth.
const viewCost = 2000

// Draw draws the frame: the 3D layer (redrawn where needed) and the HUD.
//
// The screen is not cleared between frames (the window sets
// SetScreenClearedEveryFrame(false)), so a frame in which neither the 3D
// layer nor the HUD changed draws nothing at all: without vsync (under
// Xvfb, say) Draw runs hundreds of times a second, and redrawing the same
// picture would take the cores the loader and the rasterizer need.
func (g *Game) Draw(screen *ebiten.Image) {
	if g.opt.MaxFrames > 0 && g.frames >= g.opt.MaxFrames {
		g.done = true // Update ends the game; draw no more frames meanwhile
		return
	}
	start := time.Now()
	defer func() { g.stats.addDraw(start, time.Since(start)) }()
	g.frames++
	ebiten.SetWindowTitle(g.title())
	if g.r == nil && g.size != (image.Point{}) {
		g.chooseRenderer()
	}
	if g.r == nil || g.layer == nil {
		screen.Fill(g.opt.Background)
		drawOps(screen, g.hudOps())
		return
	}
	if g.stats.n > 1 { // the first follows Ebitengine's start-up waits
		g.pace.observe(g.stats.last, g.drewCells)
	}
	g.pickViews()
	g.drewCells = g.focus == nil && len(g.views) > 0
	if len(g.views) > 0 {
		g.r.Draw(g.layer, g.views)
		g.layerChanged = true
	}
	ops := g.hudOps()
	shot := g.shotReady || g.shotPath != ""
	if g.layerChanged || !slices.Equal(ops, g.shownOps) || screen.Bounds().Size() != g.shownSize || shot {
		screen.DrawImage(g.layer, nil)
		drawOps(screen, ops)
		g.shownOps, g.shownSize, g.layerChanged = ops, screen.Bounds().Size(), false
	}
	if shot {
		g.saveScreenshot(screen)
	}
}

// pickViews chooses what to redraw this frame: the focused view when it
// changed, else the gallery cells that need it, in order, as many as the
// pacer allows (at least one).
func (g *Game) pickViews() {
	g.views, g.drawn = g.views[:0], g.drawn[:0]
	if f := g.focus; f != nil {
		if f.Mesh != g.shown {
			g.dirty = true
		}
		if g.dirty {
			g.views = append(g.views, g.focusView())
			g.dirty, g.shown = false, f.Mesh
		}
		return
	}
	spent := 0
	for i, e := range g.lib.Entries() {
		if i >= len(g.cells) {
			break
		}
		st := g.state(e)
		if st.drawn || !e.Loaded() || !g.visible(g.cells[i]) {
			continue
		}
		m := g.lib.Acquire(e)
		if m == nil {
			continue // loading again: the cache had let it go
		}
		cost := m.Faces() + viewCost
		if !g.pace.allow(spent, cost) {
			break
		}
		spent += cost
		vp := g.cells[i].View.Sub(image.Pt(0, g.scroll))
		g.views = append(g.views, scene.View{
			Viewport:   vp,
			Camera:     st.cam,
			Items:      []scene.Item{{Mesh: m, Model: identity, Color: g.opt.Color}},
			Background: g.opt.Background,
			Wireframe:  g.wire,
		})
		g.drawn = append(g.drawn, e)
		st.drawn = true
	}
}

// saveScreenshot writes the screen to a PNG: the --screenshot picture
// (which then ends the game) or the S key's.
func (g *Game) saveScreenshot(screen *ebiten.Image) {
	path := g.shotPath
	if g.shotReady {
		path = g.opt.Screenshot
	}
	img := image.NewRGBA(screen.Bounds())
	screen.ReadPixels(img.Pix)
	err := writePNG(path, img)
	switch {
	case g.shotReady:
		g.err, g.done = err, true
	case err != nil:
		g.notice = "screenshot: " + err.Error()
	default:
		g.notice = "saved " + path
	}
	g.shotReady, g.shotPath = false, ""
}

// writePNG encodes img to path, fast rather than small.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// hudOps lays out the HUD: the gallery labels or the focused file's
// figures, the top bar, the progress panel and the help.
func (g *Game) hudOps() []hudOp {
	var ops []hudOp
	if g.focus == nil {
		ops = g.cellOps(ops)
	} else {
		ops = append(ops, layoutPanel(infoLines(g.focus), image.Rect(0, topBar, g.size.X, g.size.Y), measure)...)
	}
	ops = append(ops, g.topBarOps()...)
	ops = append(ops, layoutProgress(g.progress(), image.Rectangle{Max: g.size}, measure)...)
	if g.help {
		ops = append(ops, layoutHelp(image.Rectangle{Max: g.size}, measure)...)
	}
	return ops
}

// cellOps lays out what the gallery shows over the 3D layer: each visible
// cell's name, the progress of cells still loading and the error of
// failed ones.
func (g *Game) cellOps(ops []hudOp) []hudOp {
	for i, e := range g.lib.Entries() {
		if i >= len(g.cells) || !g.visible(g.cells[i]) {
			continue
		}
		c := g.cells[i]
		c.Rect, c.View, c.Label = c.Rect.Sub(image.Pt(0, g.scroll)), c.View.Sub(image.Pt(0, g.scroll)), c.Label.Sub(image.Pt(0, g.scroll))
		col := textColor
		if e.Fallback || e.State == asyncload.Failed {
			col = errorColor
		}
		name := ellipsize(e.Name, c.Label.Dx()-4, measure)
		ops = append(ops, hudOp{Kind: opText, At: image.Pt(c.Label.Min.X+(c.Label.Dx()-measure(name))/2, c.Label.Min.Y), Text: name, Color: col})
		switch {
		case e.Fallback || (e.State == asyncload.Failed && e.Err != nil):
			ops = append(ops, layoutWrapped(errText(e.Err), c.View.Inset(4), errorColor, measure)...)
		case !e.Loaded() || e.reacquire:
			mid := c.View.Min.Y + c.View.Dy()/2
			bar := image.Rect(c.View.Min.X+12, mid, c.View.Max.X-12, mid+barHeight)
			status := "queued"
			if e.State == asyncload.Loading {
				status = fmt.Sprintf("loading %.0f%%", 100*e.Progress)
			}
			ops = append(ops, hudOp{Kind: opText, At: image.Pt(bar.Min.X, mid-lineHeight-2), Text: status, Color: dimColor})
			ops = append(ops, hudOp{Kind: opBar, Rect: bar, Frac: e.Progress})
		}
	}
	return ops
}

// topBarOps lays out the top bar: files and triangles on the left, the
// renderer, the frame rate and a hint on the right.
func (g *Game) topBarOps() []hudOp {
	bar := image.Rect(0, 0, g.size.X, topBar)
	entries := g.lib.Entries()
	done := 0
	for _, e := range entries {
		if e.State.Final() {
			done++
		}
	}
	left := fmt.Sprintf("stlview   %d/%d files   %s triangles", done, len(entries), thousands(int(g.triangles())))
	if n := g.failedNow(); n > 0 {
		left += fmt.Sprintf("   %d failed", n)
	}
	if g.focus != nil {
		left = fmt.Sprintf("stlview   %s   (%d of %d, Esc: gallery)", g.focus.Name, g.index(g.focus)+1, len(entries))
	}
	if g.notice != "" {
		left += "   " + g.notice
	}
	fps := "-- fps" // ActualFPS needs a second of frames
	if f := ebiten.ActualFPS(); f > 0 {
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

// failedNow returns how many entries and folders show a failure now.
func (g *Game) failedNow() int {
	n := len(g.lib.failures)
	for _, e := range g.lib.Entries() {
		if e.Err != nil {
			n++
		}
	}
	return n
}

// index returns e's position in the library, or -1.
func (g *Game) index(e *Entry) int {
	for i, x := range g.lib.Entries() {
		if x == e {
			return i
		}
	}
	return -1
}

// progress builds the progress panel's model from the library.
func (g *Game) progress() progressModel {
	m := progressModel{Total: len(g.lib.Entries()), Scanning: len(g.lib.pending)}
	var done, total float64
	known, sizes := 0, int64(0)
	for _, e := range g.lib.Entries() {
		if e.Size > 0 {
			known++
			sizes += e.Size
		}
	}
	avg := 1.0
	if known > 0 {
		avg = float64(sizes) / float64(known)
	}
	for _, e := range g.lib.Entries() {
		w := avg
		if e.Size > 0 {
			w = float64(e.Size)
		}
		total += w
		switch {
		case e.State.Final():
			m.Done++
			done += w
			if e.Err != nil {
				m.Failed = append(m.Failed, loadRow{Name: e.Name, Err: errText(e.Err)})
			}
		default:
			done += w * e.Progress
			m.Loading = append(m.Loading, loadRow{Name: e.Name, Progress: e.Progress, Queued: e.State == asyncload.Queued})
		}
	}
	for _, f := range g.lib.failures {
		m.Failed = append(m.Failed, loadRow{Name: displayName(f.Source), Err: errText(f.Err)})
	}
	if !g.loadedAt.IsZero() && time.Since(g.loadedAt) > failuresShown {
		// The cells show their errors; the panel stops covering the gallery
		// and the top bar keeps the count.
		m.Failed = nil
	}
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
