package ui

import (
	"image"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render/scene"
)

// framePlan is what Update decides a frame shows and Draw carries out.
// Draw consumes the drawing part, so a second Draw without an Update in
// between draws nothing new.
type framePlan struct {
	views       []scene.View // to draw into the layer with the renderer
	faces       int          // the faces those views draw
	moving      bool         // a view is drawn below full detail
	present     bool         // show the Refiner's finished picture
	presentFull bool         // that picture is the focused view at full detail
	grab        bool         // read the layer for a screenshot after drawing
	calibrate   bool         // measure the backends before drawing
	ops         []hudOp      // the HUD, kept until the next plan

	pins []*asyncload.Entry // what must not be evicted while the plan holds
}

// planFrame plans the next frame.
func (g *Game) planFrame(now time.Time) {
	p := &g.plan
	p.views, p.faces, p.moving, p.present, p.presentFull = p.views[:0], 0, false, false, false
	prevPins := p.pins
	p.pins = nil
	if g.size != (image.Point{}) && g.layer != nil {
		if g.calibrate && g.view.entry == nil && g.lib.Pending() == 0 && !g.idleSince.IsZero() && now.Sub(g.idleSince) > calibrateAfter {
			p.calibrate, g.calibrate = true, false
		}
		if g.view.entry != nil {
			g.planFocus(now)
		} else {
			g.planGallery(now)
		}
		if len(p.views) > 0 || p.present {
			g.idleSince = now
		}
		g.measure.resolve(g)
		g.shot.plan(g)
	}
	g.updatePins(prevPins)
	p.ops = g.hudOps(now)
}

// pin keeps se from eviction while the plan holds; nil does nothing.
func (g *Game) pin(se *asyncload.Entry) {
	if se != nil {
		g.plan.pins = append(g.plan.pins, se)
	}
}

// updatePins pins what the new plan holds and unpins what the last one
// held.
func (g *Game) updatePins(prev []*asyncload.Entry) {
	s := g.opt.Store
	if s == nil {
		return
	}
	for _, e := range g.plan.pins {
		s.Pin(e)
	}
	for _, e := range prev {
		s.Unpin(e)
	}
}

// calibrateAfter is how long the window must idle before the backends
// are measured (once per machine; see Options.Calibration).
const calibrateAfter = 2 * time.Second

// Draw draws the frame Update planned: the views into the 3D layer, or
// the Refiner's finished picture, then the layer and the HUD.
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
	p := &g.plan
	info := frameInfo{faces: p.faces, moving: p.moving, shows: g.showsEveryFile()}
	defer func() { g.stats.addDraw(start, time.Since(start), info) }()
	g.frames++
	ebiten.SetWindowTitle(g.title())
	if g.layer == nil {
		screen.Fill(g.opt.Background)
		drawOps(screen, p.ops)
		return
	}
	if p.calibrate {
		g.runCalibration()
		p.calibrate = false
	}
	if g.stats.n > 1 && g.view.entry == nil { // the first follows Ebitengine's start-up waits
		g.gallery.pace.observe(g.stats.last, g.gallery.drew)
	}
	g.gallery.drew = g.view.entry == nil && len(p.views) > 0
	changed := false
	if len(p.views) > 0 {
		g.r.Draw(g.layer, p.views)
		p.views = p.views[:0]
		changed = true
		info.drew = true
		info.full = !p.moving
	}
	if p.present {
		if ok, took := g.refiner.Present(g.layer); ok {
			changed = true
			info.drew, info.full, info.refined = true, true, took
		}
		p.present = false
	}
	if changed || p.grab || !slices.Equal(p.ops, g.shownOps) || screen.Bounds().Size() != g.shownSize || g.measure.active() {
		screen.DrawImage(g.layer, nil)
		drawOps(screen, p.ops)
		g.shownOps, g.shownSize = p.ops, screen.Bounds().Size()
	}
	if p.grab {
		g.shot.grab(g.layer, screen)
		p.grab = false
	}
}

// showsEveryFile reports whether the picture shows some geometry of every
// entry that is to show one: for first_picture_ms.
func (g *Game) showsEveryFile() bool {
	entries := g.lib.Entries()
	if len(entries) == 0 {
		return false
	}
	if e := g.view.entry; e != nil {
		return g.view.drawnMesh != nil
	}
	for i, e := range entries {
		if i < len(g.gallery.cells) && g.gallery.visible(g.gallery.cells[i], g) && !g.gallery.state(e).drawn {
			return false
		}
	}
	return true
}

// title returns the window title: the focused file's name, or stlview.
func (g *Game) title() string {
	if e := g.view.entry; e != nil {
		return e.Name + " - stlview"
	}
	return "stlview"
}
