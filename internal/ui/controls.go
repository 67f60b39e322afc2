package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"time"

	"github.com/stlview/stlview/internal/render/scene"
)

// orbitSpeed is the camera's turn per pixel of drag, in radians.
const orbitSpeed = 0.01

// apply carries out one command.
func (g *Game) apply(c Command) {
	switch c.Action {
	case ActOrbit:
		if g.focus != nil {
			g.cam.Orbit(c.DX*orbitSpeed, c.DY*orbitSpeed)
			g.dirty = true
		}
	case ActPan:
		if g.focus != nil {
			g.cam.Pan(c.DX, c.DY, g.size.Y)
			g.dirty = true
		}
	case ActZoom:
		if g.focus != nil {
			v := g.focusView()
			f := v.Frame()
			x, y := f.ToNDC(float32(c.At.X)+0.5, float32(c.At.Y)+0.5)
			g.cam.ZoomAt(c.Factor, x, y, g.aspect())
			g.dirty = true
		}
	case ActFit:
		if g.focus != nil {
			g.cam.Fit(g.focus.Bounds, g.aspect())
			g.dirty = true
		}
	case ActView:
		if g.focus != nil {
			g.cam.SetView(c.View)
			g.cam.Fit(g.focus.Bounds, g.aspect())
			g.dirty = true
		}
	case ActReset:
		if g.focus != nil {
			g.cam, g.dirty = g.initialCamera(g.focus.Bounds, g.aspect()), true
		}
	case ActWireframe:
		g.wire = !g.wire
		g.invalidate()
	case ActHelp:
		g.help = !g.help
	case ActScreenshot:
		name := "stlview-" + time.Now().Format("20060102-150405") + ".png"
		g.shotPath = filepath.Join(g.opt.ScreenshotDir, name)
	case ActOpen:
		if g.focus == nil {
			g.open(c)
		}
	case ActBack:
		if g.focus != nil {
			g.setFocus(nil)
		}
	case ActNext, ActPrev:
		g.step(c.Action == ActNext)
	case ActScroll:
		if g.focus == nil {
			if s := min(max(g.scroll+int(c.DY), 0), g.maxScroll()); s != g.scroll {
				g.scroll = s
				g.invalidate()
			}
		}
	case ActQuit:
		g.done = true
	}
}

// open focuses the file under the cursor, or for Enter away from any cell
// the first file.
func (g *Game) open(c Command) {
	entries := g.lib.Entries()
	i := scene.CellAt(g.cells, c.At.Add(image.Pt(0, g.scroll)))
	if i < 0 || i >= len(entries) {
		if c.Click || len(entries) == 0 {
			return
		}
		i = 0
	}
	g.setFocus(entries[i])
}

// step focuses the next or previous file, wrapping around.
func (g *Game) step(forward bool) {
	entries := g.lib.Entries()
	if len(entries) == 0 {
		return
	}
	i := -1
	for k, e := range entries {
		if e == g.focus {
			i = k
		}
	}
	switch {
	case forward:
		i = (i + 1) % len(entries)
	case i <= 0:
		i = len(entries) - 1
	default:
		i--
	}
	g.setFocus(entries[i])
}

// setFocus shows e alone, or the gallery for nil. A file still queued
// jumps ahead of the others; one whose mesh went back to the cache is
// taken back (or loaded again).
func (g *Game) setFocus(e *Entry) {
	g.focus, g.camFor, g.shown = e, -1, nil
	if e != nil {
		g.lib.Focus(e)
		g.lib.Acquire(e)
	}
	g.invalidate()
}

// focusView returns the view of the focused file over the whole window.
func (g *Game) focusView() scene.View {
	v := scene.View{
		Viewport:   image.Rectangle{Max: g.size},
		Camera:     g.cam,
		Background: g.opt.Background,
		Wireframe:  g.wire,
	}
	if m := g.focus.Mesh; m != nil {
		v.Items = []scene.Item{{Mesh: m, Model: identity, Color: g.opt.Color}}
	}
	return v
}

// title returns the window title.
func (g *Game) title() string {
	if g.focus != nil {
		return fmt.Sprintf("%s - stlview", g.focus.Name)
	}
	return "stlview"
}
