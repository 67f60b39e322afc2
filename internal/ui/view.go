package ui

import (
	"image"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/render/scene"
)

// focusView is the focused file: its camera and how far the picture on
// screen is from full detail.
//
// The camera's moves are counted in version. A frame that follows a move
// draws the level of detail that fits the frame budget (or full detail,
// when it fits); once the camera has rested for restDelay, the Refiner
// draws the view at full detail, supersampled, in the background, and the
// first frame after it is done shows it. The state machine is:
//
//	moving  --(no move for restDelay)-->  refining  --(Refiner ready)-->  rested
//	   ^                                     |                              |
//	   +------------------(a move)-----------+------------------------------+
type focusView struct {
	entry       *Entry
	cam         scene.Camera
	camFor      int  // the entry's Version the camera was fitted to; -1: none
	autoFocused bool // a lone file was focused on its own: going back stays in the gallery
	section     *scene.Section
	ortho       bool

	version   int        // counts the camera's moves and the view's changes
	drawn     int        // the version of the last frame drawn, -1 for none
	drawnMesh *mesh.Mesh // the mesh that frame drew (the full mesh, or a preview)
	lastMove  time.Time  // when version last changed
	refineFor int        // the version the Refiner draws, -1 for none
	rested    bool       // the picture on screen is the Refiner's of version
	full      bool       // the last frame drawn was full detail itself

	overhead     time.Duration // a moving frame's time outside drawing the 3D picture, averaged
	lastDrawn    time.Duration // how long drawing the last moving frame's picture took
	lastWasMoved bool          // the last frame drew a moving picture
	movedStart   time.Time     // when that frame started
}

// restDelay is how long the camera must keep still before full detail is
// drawn: long enough not to start a refine between two steps of a drag.
const restDelay = 40 * time.Millisecond

// frameTarget is the interval moving frames aim for: 60 a second. Drawing
// the 3D picture may take what the rest of the frame leaves of it (showing
// the layer and the HUD, which the graphics driver does after Draw), as
// measured: see budget.
const frameTarget = 16 * time.Millisecond

// Bounds of the moving frames' drawing budget.
const (
	minFaceTime    = 5 * time.Millisecond // what faces may take whatever the overhead
	maxFrameBudget = 13 * time.Millisecond
	startOverhead  = 6 * time.Millisecond // before any frame is measured
)

// frameBudget returns what the 3D picture of a moving frame may take: the
// frame target less the overhead measured outside Draw's drawing, but
// never less than clearing the picture (pixels of them, at cost c) and
// minFaceTime of faces: where the machine's display alone takes longer
// than a frame, fewer faces would not make the frame faster, only worse.
func (v *focusView) frameBudget(c scene.Cost, pixels int) time.Duration {
	over := v.overhead
	if over == 0 {
		over = startOverhead
	}
	floor := c.Time(0, pixels) + minFaceTime
	return min(max(frameTarget-over-time.Millisecond, floor), max(maxFrameBudget, floor))
}

// observeFrame learns the overhead of a moving frame: the interval from
// its start to the next frame's, less the time its drawing took.
func (v *focusView) observeFrame(interval, drawing time.Duration) {
	over := max(0, interval-drawing)
	if v.overhead == 0 {
		v.overhead = over
		return
	}
	v.overhead += (over - v.overhead) / 4
}

func (v *focusView) init(opt Options) {
	v.camFor, v.drawn, v.refineFor = -1, -1, -1
	v.section = opt.Section
	v.ortho = opt.Ortho
}

// moved records a change of the camera or of what the view shows.
func (v *focusView) moved() {
	v.version++
	v.lastMove = time.Now()
	v.rested = false
}

// invalidate makes the next frame redraw the view.
func (v *focusView) invalidate() { v.moved() }

// poll follows the focused entry's mesh: a new one (loaded, reloaded)
// fits the camera again.
func (v *focusView) poll(g *Game) {
	e := v.entry
	if e == nil {
		return
	}
	if e.Loaded() && v.camFor != e.Version {
		v.cam = g.initialCamera(e.Bounds, g.aspect())
		v.camFor = e.Version
		v.moved()
	} else if v.camFor < 0 && e.Preview != nil {
		v.cam = g.initialCamera(e.Preview.Bounds, g.aspect())
		v.camFor = 0 // fitted to the preview; the mesh fits it again
		v.moved()
	}
	if m := v.mesh(); m != v.drawnMesh {
		v.moved()
	}
}

// mesh returns what the view draws: the entry's mesh, or while it loads
// its preview.
func (v *focusView) mesh() *mesh.Mesh {
	if v.entry == nil {
		return nil
	}
	if m := v.entry.Mesh(); m != nil {
		return m
	}
	return v.entry.Preview
}

// forgot is told that the renderer forgot m: a resting picture of it can
// no longer be picked.
func (v *focusView) forgot(m *mesh.Mesh, f *render.Refiner) {
	if m == v.drawnMesh {
		f.Forget()
		v.moved()
	}
}

// sceneView returns the focused view at full detail over the whole window
// (a wireframe at the level whose edges show apart, scene.WireDetail).
func (g *Game) sceneView() scene.View {
	v := &g.view
	cam := v.cam
	cam.Ortho = v.ortho
	sv := scene.View{
		Viewport:   image.Rectangle{Max: g.size},
		Camera:     cam,
		Background: g.opt.Background,
		Wireframe:  g.wire,
		BackTint:   g.backTint,
		Section:    v.section,
	}
	if m := v.mesh(); m != nil {
		it := scene.Item{Mesh: m, Levels: v.entry.Levels(), Model: identity, Color: g.opt.Color}
		if m == v.entry.Mesh() {
			it.Cull = g.cullOf(v.entry)
			it.Smooth = g.smoothOf(v.entry)
		}
		sv.Items = []scene.Item{it}
		sv.Lines = g.overlayLines(v.entry, m.Bounds)
		scene.WireDetail(&sv)
	}
	return sv
}

// overlayLines returns the lines drawn over e's mesh (whose bounds are b):
// its feature edges, problem edges, the grid and the axes, as turned on.
// The caller must not change the slice.
func (g *Game) overlayLines(e *Entry, b mesh.Box) []scene.Line {
	var parts [][]scene.Line
	if g.edges {
		parts = append(parts, g.featureLines(e))
	}
	if g.problems && g.view.entry == e {
		parts = append(parts, g.problemLines(e))
	}
	if g.grid {
		parts = append(parts, scene.GridLines(b, g.opt.Pose.Up))
	}
	if g.axes {
		parts = append(parts, scene.AxisLines(b))
	}
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	var lines []scene.Line
	for _, p := range parts {
		lines = append(lines, p...)
	}
	return lines
}

// identity is the model matrix of every item: cameras frame the meshes.
var identity = mgl32.Ident4()

// planFocus plans the focused view's frame; see focusView.
func (g *Game) planFocus(now time.Time) {
	v := &g.view
	m := v.mesh()
	if m == nil {
		if v.entry != nil && v.entry.Loaded() {
			g.lib.Acquire(v.entry, asyncload.Critical) // evicted: take it back
		}
		if v.drawn != v.version {
			g.plan.views = append(g.plan.views, g.sceneView()) // the background, a message over it
			v.drawn, v.drawnMesh = v.version, nil
		}
		return
	}
	g.pin(v.entry.Stored())
	if v.drawn != v.version {
		sv := g.sceneView()
		views := []scene.View{sv}
		c := g.r.Cost()
		scene.FitDetail(views, c, scene.Detail{Budget: v.frameBudget(c, g.size.X*g.size.Y)})
		if views[0].MaxFaces >= m.Faces() {
			views[0].MaxFaces = 0
		}
		g.plan.views = append(g.plan.views, views[0])
		g.plan.faces += facesOf(&views[0])
		// A preview is not full detail, however many of its faces show.
		v.full = views[0].MaxFaces == 0 && m == v.entry.Mesh()
		if !v.full {
			g.plan.moving = true
		}
		v.drawn, v.drawnMesh = v.version, m
		if v.refineFor >= 0 {
			g.refiner.Cancel()
			v.refineFor = -1
		}
		return
	}
	if v.rested || m != v.entry.Mesh() {
		return // at rest already, or a preview: nothing finer to draw yet
	}
	if v.refineFor != v.version && now.Sub(v.lastMove) >= restDelay {
		g.refiner.Start(g.size, []scene.View{g.sceneView()}, supersample(m.Faces()))
		v.refineFor = v.version
	}
	if v.refineFor == v.version && g.refiner.Ready() {
		g.plan.present = true
		g.plan.presentFull = true
		v.rested = true
	}
}

// supersample returns the antialiasing factor for a resting picture of a
// mesh of faces faces: 2×2 samples a pixel, except for the biggest meshes,
// whose faces are smaller than pixels already and which would take too
// long to refine.
func supersample(faces int) int {
	if faces > 6_000_000 {
		return 1
	}
	return 2
}

// facesOf returns the faces the levels a view draws hold.
func facesOf(v *scene.View) int {
	n := 0
	for i := range v.Items {
		if m := v.Items[i].Level(v.MaxFaces); m != nil {
			n += m.Faces()
		}
	}
	return n
}

// cullOf returns how the entry's full mesh may be culled: where its
// analysis proves that faces seen from behind cannot show (a watertight,
// consistently wound mesh), the backend skips them, and drawing costs
// what it did before both sides were drawn.
func (g *Game) cullOf(e *Entry) scene.Cull {
	if g.backTint {
		return scene.CullNone // the tint must find inverted faces
	}
	rep := reportOf(e)
	if rep == nil || !rep.Watertight || rep.FlippedFaces > 0 {
		return scene.CullNone
	}
	if g.eyeInside(e) {
		return scene.CullNone
	}
	if rep.InsideOut {
		return scene.CullFront
	}
	return scene.CullBack
}

// eyeInside reports whether the focused camera's eye is within e's bounds,
// where the inside of the part shows.
func (g *Game) eyeInside(e *Entry) bool {
	eye := g.view.cam.Eye()
	b := e.Bounds
	for k := range 3 {
		if eye[k] < b.Min[k] || eye[k] > b.Max[k] {
			return false
		}
	}
	return true
}

// setFocus shows e alone, or the gallery for nil. A file still queued
// jumps ahead of the others; one the Store evicted is loaded again.
func (g *Game) setFocus(e *Entry) {
	v := &g.view
	v.entry, v.camFor, v.drawnMesh = e, -1, nil
	g.measure.clear()
	if e != nil {
		g.lib.Focus(e)
		g.lib.Acquire(e, asyncload.Critical)
		g.gallery.selectEntry(e, g)
	}
	g.invalidate()
}

// initialCamera returns the camera that first shows a mesh with the given
// bounds.
func (g *Game) initialCamera(b mesh.Box, aspect float32) scene.Camera {
	c := g.opt.Pose.Camera(b, aspect)
	c.Ortho = g.view.ortho
	if c.Ortho {
		c.Fit(b, aspect)
	}
	return c
}
