package ui

import (
	"image"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render"
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

// planFrame plans the next frame. A plan Draw has not carried out yet is
// kept as it is: when frames are slow Ebitengine calls Update more often
// than Draw, and the pictures planned (cells marked drawn, a refined
// picture taken) would otherwise never reach the screen.
func (g *Game) planFrame(now time.Time) {
	p := &g.plan
	if p.pending() {
		p.ops = g.hudOps(now)
		return
	}
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

// pending reports whether the plan holds drawing that Draw has not done.
func (p *framePlan) pending() bool {
	return len(p.views) > 0 || p.present || p.grab || p.calibrate
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
	info := frameInfo{faces: p.faces, moving: p.moving, shows: g.showsEveryFile(), loading: g.lib.Pending() > 0 || g.building()}
	defer func() { g.stats.addDraw(start, time.Since(start), info) }()
	g.frames++
	if t := g.title(); t != g.shownTitle {
		ebiten.SetWindowTitle(t) // a call to the window system: only on change
		g.shownTitle = t
	}
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
	if v := &g.view; v.lastWasMoved {
		v.observeFrame(start.Sub(v.movedStart), v.lastDrawn)
	}
	g.view.lastWasMoved = false
	g.gallery.drew = g.view.entry == nil && len(p.views) > 0
	if cpu, ok := g.r.(*render.CPU); ok && g.view.entry != nil {
		g.drawDirect(screen, cpu, start, &info)
	} else {
		g.drawLayered(screen, start, &info)
	}
}

// drawDirect draws the focused view with the CPU backend straight to the
// screen: the picture is drawn in memory (g.pic) and written to the
// screen with WritePixels, under the HUD. Where OpenGL runs on the CPU
// this is the cheapest way to the screen: no texture to draw, and one
// full-window pass fewer a frame.
func (g *Game) drawDirect(screen *ebiten.Image, cpu *render.CPU, start time.Time, info *frameInfo) {
	p := &g.plan
	b := screen.Bounds()
	if g.pic == nil || g.pic.Rect != b {
		g.pic = image.NewRGBA(b)
		g.view.invalidate()
	}
	changed := false
	if len(p.views) > 0 {
		drawStart := time.Now()
		cpu.Render(g.pic, p.views)
		g.view.lastDrawn, g.view.lastWasMoved, g.view.movedStart = time.Since(drawStart), true, start
		p.views = p.views[:0]
		changed, info.drew, info.full = true, true, !p.moving
	}
	if p.present {
		if ok, took := g.refiner.PresentInto(g.pic); ok {
			changed = true
			info.drew, info.full, info.refined = true, true, took
		}
		p.present = false
	}
	if changed || p.grab || !slices.Equal(p.ops, g.shownOps) || b.Size() != g.shownSize || g.measure.active() || g.shownLayered {
		screen.WritePixels(g.pic.Pix)
		drawOps(screen, p.ops)
		g.shownOps, g.shownSize, g.shownLayered = p.ops, b.Size(), false
	}
	if p.grab {
		g.shot.grab(g.pic, screen)
		p.grab = false
	}
}

// drawLayered draws through the 3D layer, an Ebitengine image kept between
// frames: the gallery, whose cells are drawn a few at a time, and the GPU
// backend's frames.
func (g *Game) drawLayered(screen *ebiten.Image, start time.Time, info *frameInfo) {
	p := &g.plan
	changed := false
	if len(p.views) > 0 {
		drawStart := time.Now()
		g.r.Draw(g.layer, p.views)
		if g.view.entry != nil {
			g.view.lastDrawn, g.view.lastWasMoved, g.view.movedStart = time.Since(drawStart), true, start
		}
		p.views = p.views[:0]
		changed, info.drew, info.full = true, true, !p.moving
	}
	if p.present {
		if ok, took := g.refiner.Present(g.layer); ok {
			changed = true
			info.drew, info.full, info.refined = true, true, took
		}
		p.present = false
	}
	if changed || p.grab || !slices.Equal(p.ops, g.shownOps) || screen.Bounds().Size() != g.shownSize || g.measure.active() || !g.shownLayered {
		screen.DrawImage(g.layer, nil)
		drawOps(screen, p.ops)
		g.shownOps, g.shownSize, g.shownLayered = p.ops, screen.Bounds().Size(), true
	}
	if p.grab {
		g.shot.grab(nil, screen, g.layer)
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
