package ui

import (
	"image"
	"time"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// gallery is the grid of every entry: its layout, the cursor's and the
// keyboard's place in it, and what the 3D layer holds of each cell.
//
// Cells are drawn into the layer as their meshes arrive, at most a frame's
// budget of them a frame (the pacer), each at the level of detail its
// pixels can show. Once every visible cell is drawn and nothing has
// changed for restDelay, the Refiner draws the visible cells again,
// supersampled, and the layer takes that picture: the gallery at rest is
// antialiased like the focused view.
type gallery struct {
	cells    []scene.Cell // in layer coordinates before scrolling
	laidFor  image.Point  // the window size the cells were laid out for
	scroll   int
	states   map[*Entry]*cellState
	selected int // the keyboard's cell, or -1
	hover    int // the cursor's cell, or -1
	pace     pacer
	drew     bool // the last frame drew cells

	version   int       // counts changes to what the visible cells show
	lastDraw  time.Time // when a cell was last drawn
	refineFor int       // the version the Refiner draws, -1 for none
	rested    bool      // the layer shows the Refiner's picture of version
	refined   []*Entry  // the entries that picture shows, pinned while it is drawn
}

// cellState is what the gallery keeps for one entry's cell.
type cellState struct {
	cam   scene.Camera // the cell's camera
	fit   bool         // cam is fitted to the entry's mesh (not just its bounds)
	drawn bool         // the layer holds the cell's current picture
	ready bool         // the renderer has prepared the entry's mesh
}

func (gl *gallery) init() {
	gl.states = map[*Entry]*cellState{}
	gl.selected, gl.hover, gl.refineFor = -1, -1, -1
}

// state returns e's cell state, making it if needed.
func (gl *gallery) state(e *Entry) *cellState {
	st := gl.states[e]
	if st == nil {
		st = &cellState{}
		gl.states[e] = st
	}
	return st
}

// changed is told that e's mesh changed: its cell is drawn again, with a
// camera fitted to the new mesh.
func (gl *gallery) changed(e *Entry, g *Game) {
	st := gl.state(e)
	st.drawn, st.ready, st.fit = false, false, false
	st.cam = g.initialCamera(e.Bounds, g.gallery.cellAspect(e, g))
	gl.touch()
}

// touch records a change of what the gallery shows.
func (gl *gallery) touch() {
	gl.version++
	gl.rested = false
}

// invalidate marks every cell for redrawing.
func (gl *gallery) invalidate() {
	for _, st := range gl.states {
		st.drawn = false
	}
	gl.touch()
}

// layout recomputes the cells when the window or the number of entries
// changed.
func (gl *gallery) layout(g *Game) {
	entries := g.lib.Entries()
	if len(gl.cells) == len(entries) && gl.cells != nil && gl.laidFor == g.size {
		return
	}
	gl.cells = scene.GalleryLayout(len(entries), image.Rect(0, topBar, g.size.X, g.size.Y))
	gl.laidFor = g.size
	gl.scroll = min(gl.scroll, gl.maxScroll(g))
	for _, e := range entries {
		if st := gl.states[e]; st != nil {
			st.fit = false // refit to the new cell shape
		}
	}
	gl.selected = min(gl.selected, len(entries)-1)
	gl.invalidate()
	if g.layer != nil {
		g.layer.Fill(g.opt.Background)
	}
}

func (gl *gallery) maxScroll(g *Game) int {
	return max(0, scene.ContentBottom(gl.cells)-g.size.Y)
}

// visible reports whether a cell shows in the window at the current scroll.
func (gl *gallery) visible(c scene.Cell, g *Game) bool {
	r := c.Rect.Sub(image.Pt(0, gl.scroll))
	return r.Max.Y > topBar && r.Min.Y < g.size.Y
}

// cellAspect returns the aspect of e's cell, or 4:3 before the layout has
// one.
func (gl *gallery) cellAspect(e *Entry, g *Game) float32 {
	for i, x := range g.lib.Entries() {
		if x == e && i < len(gl.cells) {
			v := gl.cells[i].View
			return float32(v.Dx()) / float32(max(1, v.Dy()))
		}
	}
	return 4.0 / 3
}

// spin turns every cell's camera.
func (gl *gallery) spin() {
	for _, st := range gl.states {
		st.cam.Orbit(spinStep, 0)
		st.drawn = false
	}
	gl.touch()
}

// viewCost is the fixed cost of a view (clearing, three passes), in
// faces' worth.
const viewCost = 2000

// galleryFacesPerPixel is how many faces a gallery cell draws for each
// pixel its mesh covers, moving or at rest: more cannot be told apart in
// a cell.
const galleryFacesPerPixel = 4

// planGallery plans the gallery's frame: the cells that need drawing, in
// order, as many as the pacer allows (at least one), or once all are
// drawn and still, the resting picture.
func (g *Game) planGallery(now time.Time) {
	gl := &g.gallery
	spent := 0
	for i, e := range g.lib.Entries() {
		if i >= len(gl.cells) {
			break
		}
		st := gl.state(e)
		if st.drawn || !e.Loaded() && e.Preview == nil || !gl.visible(gl.cells[i], g) {
			continue
		}
		m := e.Preview // a big file's rough shape until it loads (changed redraws it)
		if e.Loaded() {
			if m = g.lib.Acquire(e, asyncload.High); m == nil {
				continue // loading again: the Store had let it go
			}
		}
		v := g.cellView(i, e, m)
		cost := facesOf(&v) + viewCost
		if !gl.pace.allow(spent, cost) {
			break
		}
		spent += cost
		g.plan.views = append(g.plan.views, v)
		g.plan.faces += cost - viewCost
		st.drawn = true
		gl.lastDraw = now
	}
	if spent > 0 {
		gl.touch()
		if gl.refineFor >= 0 {
			g.refiner.Cancel()
			gl.refineFor = -1
			gl.unpinRefined(g)
		}
		return
	}
	if gl.rested || now.Sub(gl.lastDraw) < restDelay || g.lib.Pending() > 0 {
		return
	}
	if gl.refineFor != gl.version {
		var views []scene.View
		gl.unpinRefined(g)
		for i, e := range g.lib.Entries() {
			if i >= len(gl.cells) || !gl.visible(gl.cells[i], g) || !gl.state(e).drawn {
				continue
			}
			if m := e.Mesh(); m != nil {
				views = append(views, g.cellView(i, e, m))
				if se := e.Stored(); se != nil && g.opt.Store != nil {
					g.opt.Store.Pin(se)
					gl.refined = append(gl.refined, e)
				}
			}
		}
		if len(views) == 0 {
			gl.rested = true
			return
		}
		g.refiner.Start(g.size, views, 2)
		gl.refineFor = gl.version
	}
	if g.refiner.Ready() {
		g.plan.present = true
		gl.rested = true
		gl.refineFor = -1
	}
}

// unpinRefined lets the Store evict the meshes of the last resting
// picture again.
func (gl *gallery) unpinRefined(g *Game) {
	for _, e := range gl.refined {
		if se := e.Stored(); se != nil && g.opt.Store != nil {
			g.opt.Store.Unpin(se)
		}
	}
	gl.refined = gl.refined[:0]
}

// cellView returns the view of entry e, the i-th, in its cell, with a
// camera fitted to the mesh's own points and the level of detail its
// pixels can show.
func (g *Game) cellView(i int, e *Entry, m *mesh.Mesh) scene.View {
	gl := &g.gallery
	st := gl.state(e)
	vp := gl.cells[i].View.Sub(image.Pt(0, gl.scroll))
	if !st.fit {
		aspect := float32(vp.Dx()) / float32(max(1, vp.Dy()))
		if !e.Loaded() {
			st.cam = g.initialCamera(m.Bounds, aspect) // a preview: the entry has no bounds yet
		}
		st.cam.FitPoints(scene.Silhouette(m, e.Levels()), m.Bounds, aspect)
		st.fit = true
	}
	cam := st.cam
	cam.Ortho = g.view.ortho
	v := scene.View{
		Viewport:   vp,
		Camera:     cam,
		Items:      []scene.Item{{Mesh: m, Levels: e.Levels(), Model: identity, Color: g.opt.Color, Cull: g.cullOf(e), Smooth: g.smoothOf(e)}},
		Lines:      g.overlayLines(e, m.Bounds),
		Background: g.opt.Background,
		Wireframe:  g.wire,
		BackTint:   g.backTint,
	}
	vs := []scene.View{v}
	scene.FitDetail(vs, scene.Cost{PerFace: 1}, scene.Detail{Budget: time.Hour, FacesPerPixel: galleryFacesPerPixel})
	return vs[0]
}

// selectEntry makes e the selected cell and scrolls it into view.
func (gl *gallery) selectEntry(e *Entry, g *Game) {
	for i, x := range g.lib.Entries() {
		if x == e {
			gl.selectIndex(i, g)
			return
		}
	}
}

// selectIndex selects cell i (clamped to the entries) and scrolls it into
// view.
func (gl *gallery) selectIndex(i int, g *Game) {
	n := len(g.lib.Entries())
	if n == 0 {
		gl.selected = -1
		return
	}
	i = min(max(i, 0), n-1)
	gl.selected = i
	if i >= len(gl.cells) {
		return
	}
	r := gl.cells[i].Rect
	top, bottom := gl.scroll+topBar, gl.scroll+g.size.Y
	s := gl.scroll
	switch {
	case r.Min.Y < top:
		s = r.Min.Y - topBar - cellMargin
	case r.Max.Y > bottom:
		s = r.Max.Y - g.size.Y + cellMargin
	}
	gl.scrollTo(s, g)
}

// cellMargin is the space kept above or below a cell scrolled into view.
const cellMargin = 6

// scrollTo scrolls the gallery to s, clamped.
func (gl *gallery) scrollTo(s int, g *Game) {
	s = min(max(s, 0), gl.maxScroll(g))
	if s != gl.scroll {
		gl.scroll = s
		gl.invalidate()
		if g.layer != nil {
			g.layer.Fill(g.opt.Background)
		}
	}
}

// columns returns how many cells the gallery has a row.
func (gl *gallery) columns() int {
	if len(gl.cells) == 0 {
		return 1
	}
	n := 1
	for n < len(gl.cells) && gl.cells[n].Rect.Min.Y == gl.cells[0].Rect.Min.Y {
		n++
	}
	return n
}
