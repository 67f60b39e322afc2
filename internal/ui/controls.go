package ui

import (
	"image"
	"time"

	"github.com/stlview/stlview/internal/render/scene"
)

// orbitSpeed is the camera's turn per pixel of drag, in radians.
const orbitSpeed = 0.01

// sectionSteps is how many steps of ActSectionMove cross a mesh's extent.
const sectionSteps = 100

// apply carries out one command.
func (g *Game) apply(c Command) {
	if g.view.entry != nil && g.applyFocused(c) {
		return
	}
	gl := &g.gallery
	switch c.Action {
	case ActWireframe:
		g.wire = !g.wire
		g.invalidate()
	case ActBackTint:
		g.backTint = !g.backTint
		g.invalidate()
	case ActOrtho:
		g.view.ortho = !g.view.ortho
		g.invalidate()
	case ActSmooth:
		g.smooth = !g.smooth
		if !g.smooth {
			g.dropDerived(g.smoothKind())
		}
		g.invalidate()
	case ActEdges:
		g.edges = !g.edges
		if !g.edges {
			g.dropDerived(g.edgesKind())
		}
		g.invalidate()
	case ActGrid:
		g.grid = !g.grid
		g.invalidate()
	case ActAxes:
		g.axes = !g.axes
		g.invalidate()
	case ActHelp:
		g.help = !g.help
	case ActFailures:
		g.failures = !g.failures
	case ActScreenshot:
		g.requestScreenshot()
	case ActOpen:
		if g.view.entry == nil {
			g.open(c)
		}
	case ActBack:
		switch {
		case g.failures:
			g.failures = false
		case g.help:
			g.help = false
		}
	case ActNext, ActPrev, ActUp, ActDown, ActHome, ActEnd:
		g.moveSelection(c.Action)
	case ActPageUp, ActPageDown:
		page := g.size.Y - topBar - 2*cellMargin
		if c.Action == ActPageUp {
			page = -page
		}
		gl.scrollTo(gl.scroll+page, g)
	case ActScroll:
		gl.scrollTo(gl.scroll+int(c.DY), g)
	case ActQuit:
		g.done = true
	}
}

// applyFocused carries out a command that means something else, or only
// something, when a file is focused, and reports whether it did.
func (g *Game) applyFocused(c Command) bool {
	v := &g.view
	e := v.entry
	switch c.Action {
	case ActOrbit:
		v.cam.Orbit(c.DX*orbitSpeed, c.DY*orbitSpeed)
	case ActPan:
		v.cam.Pan(c.DX, c.DY, g.size.Y)
	case ActZoom:
		sv := g.sceneView()
		f := sv.Frame()
		x, y := f.ToNDC(float32(c.At.X)+0.5, float32(c.At.Y)+0.5)
		v.cam.ZoomAt(c.Factor, x, y, g.aspect())
	case ActFit:
		g.fit()
	case ActView:
		v.cam.SetView(c.View)
		g.fit()
	case ActReset:
		v.cam = g.initialCamera(e.Bounds, g.aspect())
	case ActPick:
		g.measure.click(c.At, c.NoSnap)
		return true
	case ActBack:
		switch {
		case g.measure.active() || len(g.measure.pending) > 0:
			g.measure.clear()
		case g.failures:
			g.failures = false
		case g.help:
			g.help = false
		default:
			g.setFocus(nil)
		}
		return true
	case ActNext, ActPrev:
		g.step(c.Action == ActNext)
		return true
	case ActSection:
		g.cycleSection()
	case ActSectionMove:
		s := v.section
		if s == nil {
			return true
		}
		ext := e.Bounds.Size()[s.Axis]
		lo, hi := e.Bounds.Min[s.Axis], e.Bounds.Max[s.Axis]
		s.Offset = min(max(s.Offset+c.DY*ext/sectionSteps, lo), hi)
	case ActProblems:
		g.problems = !g.problems
	case ActUp, ActDown, ActHome, ActEnd, ActPageUp, ActPageDown, ActScroll, ActOpen:
		return true // gallery moves: nothing to do while focused
	default:
		return false
	}
	v.moved()
	return true
}

// fit frames the focused mesh's own points (its coarsest level's, for a
// big mesh), keeping the viewing direction.
func (g *Game) fit() {
	v := &g.view
	m := v.mesh()
	if m == nil {
		return
	}
	v.cam.Ortho = v.ortho
	v.cam.FitPoints(scene.Silhouette(m, v.entry.Levels()), m.Bounds, g.aspect())
}

// cycleSection turns the section plane to the next axis: x, y, z, then
// off, through the middle of the mesh the first time on an axis.
func (g *Game) cycleSection() {
	v := &g.view
	b := v.entry.Bounds
	switch {
	case v.section == nil:
		v.section = &scene.Section{Axis: 0}
	case v.section.Axis < 2:
		v.section = &scene.Section{Axis: v.section.Axis + 1}
	default:
		v.section = nil
		return
	}
	v.section.Offset = b.Center()[v.section.Axis]
}

// requestScreenshot asks for the 3D picture, at rest, to be saved in the
// pictures folder under a name that takes no existing file's place.
func (g *Game) requestScreenshot() {
	p, err := screenshotPath(g.opt.ScreenshotDir, time.Now())
	if err != nil {
		g.setNotice("screenshot: " + explainShort(err))
		return
	}
	g.shot.request(p, false)
}

// open focuses the file under the cursor (a click), or for Enter the
// selected cell, else the one under the cursor, else the first.
func (g *Game) open(c Command) {
	entries := g.lib.Entries()
	if len(entries) == 0 {
		return
	}
	gl := &g.gallery
	i := scene.CellAt(gl.cells, c.At.Add(image.Pt(0, gl.scroll)))
	if !c.Click && gl.selected >= 0 {
		i = gl.selected
	}
	if i < 0 || i >= len(entries) {
		if c.Click {
			return
		}
		i = 0
	}
	g.setFocus(entries[i])
}

// moveSelection moves the gallery's selection: a cell left or right, a
// row up or down, to the first or the last; the first move selects the
// hovered cell, or the first.
func (g *Game) moveSelection(a Action) {
	gl := &g.gallery
	n := len(g.lib.Entries())
	if n == 0 {
		return
	}
	i := gl.selected
	if i < 0 {
		i = max(gl.hover, 0)
		if a == ActEnd {
			i = n - 1
		}
		gl.selectIndex(i, g)
		return
	}
	cols := gl.columns()
	switch a {
	case ActNext:
		i++
	case ActPrev:
		i--
	case ActUp:
		if i-cols >= 0 {
			i -= cols
		}
	case ActDown:
		if i+cols < n {
			i += cols
		}
	case ActHome:
		i = 0
	case ActEnd:
		i = n - 1
	}
	gl.selectIndex(i, g)
}

// step focuses the next or previous file, wrapping around.
func (g *Game) step(forward bool) {
	entries := g.lib.Entries()
	if len(entries) == 0 {
		return
	}
	i := -1
	for k, e := range entries {
		if e == g.view.entry {
			i = k
		}
	}
	if forward {
		i = (i + 1) % len(entries)
	} else {
		i = (i - 1 + len(entries)) % len(entries)
	}
	g.setFocus(entries[i])
}
