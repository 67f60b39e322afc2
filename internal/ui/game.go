// Package ui is stlview's window: an Ebitengine game that shows the files
// being loaded as a gallery, one focused file with an orbit camera, and a
// HUD with the progress of the loads, the focused mesh's figures and the
// key bindings.
//
// Update never waits: it polls the loader, prepares newly loaded meshes for
// the renderer within a time budget, and handles input. Draw redraws the 3D
// picture only where something changed, keeps it in an image between
// frames, and redraws at most a frame's budget of gallery cells at a time,
// so hundreds of files streaming in never stall the window.
package ui

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/render/scene"
)

// Options configure a Game.
type Options struct {
	Loader *asyncload.Loader
	// Cache holds the meshes within a memory budget. Meshes evicted from
	// it are loaded again when a cell must be redrawn.
	Cache *asyncload.Cache
	// MemoryBudget bounds the bytes of meshes the gallery holds at hand;
	// beyond it, drawn cells let go of their meshes to the Cache. Zero
	// means no bound.
	MemoryBudget int64
	// Renderer draws the 3D picture; nil measures both backends on the
	// first frame and keeps the faster (render.Choose).
	Renderer render.Renderer

	Pose       scene.Pose // how each mesh is first seen
	Background color.RGBA
	Color      mesh.Color // for faces without their own; zero: scene.DefaultColor
	Wireframe  bool

	Spin          bool   // turn the camera steadily
	MaxFrames     int    // quit after this many frames; 0: never
	ExitAfterLoad bool   // quit a second after the last load settles
	FrameStats    string // write a FrameReport here at exit
	Screenshot    string // once everything is loaded and drawn, save the window here and quit
	ScreenshotDir string // where the S key saves; empty: the working directory
	Workers       int    // the loader's workers, for the frame report
}

// Game is the viewer. Create it with New, queue sources with Add, run it
// with ebiten.RunGame, then call Close. Apart from Add before RunGame,
// only Ebitengine's game goroutine may call its methods.
type Game struct {
	opt Options
	lib *Library
	r   render.Renderer
	// rendererNote says how the renderer was chosen, for the HUD.
	rendererNote string
	pace         pacer // how much of the gallery a frame may redraw
	drewCells    bool  // the last frame drew gallery cells

	size   image.Point   // the window, from Layout
	layer  *ebiten.Image // the 3D picture, kept between frames
	cells  []scene.Cell  // the gallery, in layer coordinates before scrolling
	scroll int
	states map[*Entry]*cellState
	focus  *Entry // nil: the gallery
	cam    scene.Camera
	camFor int        // the focused entry's Version the camera was fitted to; -1: none
	shown  *mesh.Mesh // the focused mesh the layer shows
	dirty  bool       // the focused view must be redrawn
	// autoFocused is set once a lone file has been focused by itself, so
	// going back to the gallery stays there.
	autoFocused bool
	wire        bool
	help        bool

	in      inputReader
	cmds    []Command
	changed []*Entry
	drops   *dropWatcher
	notice  string // a message for the top bar (a saved screenshot, a drop error)
	views   []scene.View
	// What the screen shows, so an unchanged frame can skip drawing.
	layerChanged bool
	shownOps     []hudOp
	shownSize    image.Point
	drawn        []*Entry // the cells in views

	stats     frameStats
	frames    int
	started   time.Time // when New made the game: loads start then
	loadedAt  time.Time // when the last pending load settled
	shotReady bool      // the --screenshot picture is complete: save it this frame
	shotPath  string    // where to save a screenshot this frame (the S key)
	done      bool      // Update returns ebiten.Termination
	err       error
	failed    int
}

// cellState is what the game keeps for one entry's gallery cell.
type cellState struct {
	cam   scene.Camera // the cell's camera
	drawn bool         // the layer holds the cell's current picture
	ready bool         // the renderer has prepared the entry's mesh
}

// New returns a game with no files; add them with Add.
func New(opt Options) *Game {
	if opt.Background == (color.RGBA{}) {
		opt.Background = scene.DefaultBackground
	}
	g := &Game{
		opt:     opt,
		lib:     NewLibrary(opt.Loader, opt.Cache),
		r:       opt.Renderer,
		states:  map[*Entry]*cellState{},
		wire:    opt.Wireframe,
		drops:   newDropWatcher(),
		started: time.Now(),
		stats:   frameStats{record: opt.FrameStats != ""},
	}
	if g.r != nil {
		g.pace = newPacer(g.r.Name())
		g.rendererNote = g.r.Name()
	}
	return g
}

// Add queues a file, folder or URL at priority p (see Library.Add).
func (g *Game) Add(source string, p asyncload.Priority) error { return g.lib.Add(source, p) }

// Failed returns how many files failed to load.
func (g *Game) Failed() int { return g.failed }

// Renderer returns the renderer in use, or nil before the first frame
// when it is chosen by measurement.
func (g *Game) Renderer() render.Renderer { return g.r }

// Close writes the frame report, if asked for, and frees the renderer. It
// returns the first error the game met.
func (g *Game) Close() error {
	err := g.err
	if g.opt.FrameStats != "" {
		r := g.stats.report()
		r.Loads, r.Failed, r.Renderer, r.Workers = g.lib.Loads(), g.failed, g.rendererNote, g.opt.Workers
		r.Triangles = g.triangles()
		if !g.loadedAt.IsZero() {
			r.LoadSeconds = g.loadedAt.Sub(g.started).Seconds()
		}
		err = errors.Join(err, writeReport(g.opt.FrameStats, r))
	}
	if g.r != nil {
		g.r.Dispose()
	}
	return err
}

// Layout makes the game's pixels the window's.
func (g *Game) Layout(w, h int) (int, int) {
	g.size = image.Pt(w, h)
	return w, h
}

// Update polls the loads, handles input and moves the camera. It never
// blocks.
func (g *Game) Update() error {
	start := time.Now()
	defer func() { g.stats.addUpdate(time.Since(start)) }()
	if g.done {
		return ebiten.Termination
	}
	g.poll()
	g.prepare(start)
	g.trim()
	g.handleDrops()
	g.layout()
	g.cmds = Commands(g.in.read(), g.focus != nil, g.cmds[:0])
	for _, c := range g.cmds {
		g.apply(c)
	}
	if g.opt.Spin {
		g.spin()
	}
	g.checkExit()
	return nil
}

// chooseRenderer measures the backends at the window's size. It draws,
// so Draw calls it, on the first frame: Update must stay short.
func (g *Game) chooseRenderer() {
	r, timings := render.Choose(g.size)
	g.r = r
	g.pace = newPacer(r.Name())
	g.rendererNote = fmt.Sprintf("%s (auto:", r.Name())
	for _, t := range timings {
		g.rendererNote += fmt.Sprintf(" %s %.1f ms", t.Kind, float64(t.PerFrame.Microseconds())/1000)
	}
	g.rendererNote += ")"
}

// poll takes finished loads and marks what they change.
func (g *Game) poll() {
	g.changed = g.lib.Poll(g.changed[:0])
	for _, e := range g.changed {
		st := g.state(e)
		st.drawn, st.ready = false, false
		st.cam = g.initialCamera(e.Bounds, g.cellAspect(e))
		if e.Fallback {
			g.failed++
		}
	}
	if entries := g.lib.Entries(); !g.autoFocused && len(entries) == 1 && len(g.lib.pending) == 0 {
		g.autoFocused = true // a single file opens on its own, full size
		g.setFocus(entries[0])
	}
	if f := g.focus; f != nil && f.Mesh != nil && g.camFor != f.Version {
		g.cam, g.camFor, g.dirty = g.initialCamera(f.Bounds, g.aspect()), f.Version, true
	}
	if g.lib.Pending() > 0 || len(g.lib.Entries()) == 0 {
		g.loadedAt = time.Time{}
	} else if g.loadedAt.IsZero() {
		g.loadedAt = time.Now()
	}
}

// prepareBudget is the time per frame Update spends turning new meshes into
// the renderer's buffers.
const prepareBudget = 2 * time.Millisecond

// prepare converts loaded meshes for the renderer, the focused one first,
// until the budget is spent; a big mesh takes several frames.
func (g *Game) prepare(start time.Time) {
	if g.r == nil {
		return
	}
	do := func(e *Entry) bool {
		st := g.state(e)
		if st.ready || st.drawn || e.Mesh == nil {
			return true
		}
		left := prepareBudget - time.Since(start)
		if left <= 0 {
			return false
		}
		st.ready = g.r.Prepare(e.Mesh, left)
		return true
	}
	if g.focus != nil && !do(g.focus) {
		return
	}
	for _, e := range g.lib.Entries() {
		if !do(e) {
			return
		}
	}
}

// trim keeps the meshes held at hand within the memory budget: drawn
// cells other than the focused one let go of theirs (and the renderer's
// buffers), first come first, while the total is over.
func (g *Game) trim() {
	if g.opt.MemoryBudget <= 0 || g.r == nil {
		return
	}
	var held int64
	for _, e := range g.lib.Entries() {
		if e.Mesh != nil {
			held += e.Mesh.SizeBytes()
		}
	}
	for _, e := range g.lib.Entries() {
		if held <= g.opt.MemoryBudget {
			return
		}
		st := g.states[e]
		if e.Mesh == nil || e == g.focus || st == nil || !st.drawn {
			continue
		}
		held -= e.Mesh.SizeBytes()
		g.r.Forget(e.Mesh)
		g.lib.Release(e)
		st.ready = false
	}
}

// handleDrops queues files dropped on the window at High priority.
func (g *Game) handleDrops() {
	g.drops.check()
	files, err := g.drops.poll()
	if err != nil {
		g.notice = "drop: " + err.Error()
	}
	for _, f := range files {
		if err := g.lib.Add(f, asyncload.High); err != nil {
			g.notice = err.Error()
		}
	}
}

// state returns e's cell state, making it if needed.
func (g *Game) state(e *Entry) *cellState {
	st := g.states[e]
	if st == nil {
		st = &cellState{}
		g.states[e] = st
	}
	return st
}

// cellAspect returns the aspect of e's cell, or 4:3 before the layout
// has one.
func (g *Game) cellAspect(e *Entry) float32 {
	for i, x := range g.lib.Entries() {
		if x == e && i < len(g.cells) {
			v := g.cells[i].View
			return float32(v.Dx()) / float32(max(1, v.Dy()))
		}
	}
	return 4.0 / 3
}

// aspect returns the window's aspect.
func (g *Game) aspect() float32 { return float32(max(1, g.size.X)) / float32(max(1, g.size.Y)) }

// initialCamera returns the camera that first shows a mesh with the given
// bounds.
func (g *Game) initialCamera(b mesh.Box, aspect float32) scene.Camera {
	return g.opt.Pose.Camera(b, aspect)
}

// topBar is the height of the HUD's top bar; the gallery starts below it.
const topBar = 24

// layout recomputes the gallery when the window or the number of files
// changed, and makes the 3D layer the window's size.
func (g *Game) layout() {
	if g.size == (image.Point{}) {
		return
	}
	resized := g.layer == nil || g.layer.Bounds().Size() != g.size
	if resized {
		if g.layer != nil {
			g.layer.Deallocate()
		}
		// Unmanaged: a window-sized image redrawn often is better as a
		// texture of its own than as a region of Ebitengine's shared atlas.
		g.layer = ebiten.NewImageWithOptions(image.Rectangle{Max: g.size}, &ebiten.NewImageOptions{Unmanaged: true})
		g.invalidate()
	}
	entries := g.lib.Entries()
	if !resized && len(g.cells) == len(entries) && g.cells != nil {
		return
	}
	g.cells = scene.GalleryLayout(len(entries), image.Rect(0, topBar, g.size.X, g.size.Y))
	g.scroll = min(g.scroll, g.maxScroll())
	for i, e := range entries {
		if st := g.states[e]; st != nil && e.Loaded() && i < len(g.cells) {
			v := g.cells[i].View
			st.cam.Fit(e.Bounds, float32(v.Dx())/float32(max(1, v.Dy())))
		}
	}
	g.invalidate()
}

// invalidate clears the 3D layer and marks every picture for redrawing.
func (g *Game) invalidate() {
	if g.layer != nil {
		g.layer.Fill(g.opt.Background)
		g.layerChanged = true
	}
	for _, st := range g.states {
		st.drawn = false
	}
	g.dirty = true
}

func (g *Game) maxScroll() int {
	return max(0, scene.ContentBottom(g.cells)-g.size.Y)
}

// spinStep is the camera's turn per tick with --spin: 36° a second.
const spinStep = 0.6 * math.Pi / 180

func (g *Game) spin() {
	if g.focus != nil {
		g.cam.Orbit(spinStep, 0)
		g.dirty = true
		return
	}
	for _, st := range g.states {
		st.cam.Orbit(spinStep, 0)
		st.drawn = false
	}
}

// exitDelay is how long --exit-after-load waits after the last load.
const exitDelay = time.Second

// checkExit ends the game when an exit condition is met.
func (g *Game) checkExit() {
	if g.opt.MaxFrames > 0 && g.frames >= g.opt.MaxFrames {
		g.done = true
	}
	if g.opt.ExitAfterLoad && !g.loadedAt.IsZero() && time.Since(g.loadedAt) >= exitDelay {
		g.done = true
	}
	if g.opt.Screenshot != "" && !g.loadedAt.IsZero() && g.allDrawn() {
		g.shotReady = true
	}
}

// allDrawn reports whether the picture on screen is complete: every
// visible cell (or the focused file) is drawn.
func (g *Game) allDrawn() bool {
	if g.r == nil || g.layer == nil {
		return false
	}
	if g.focus != nil {
		return !g.dirty
	}
	for i, e := range g.lib.Entries() {
		if i < len(g.cells) && g.visible(g.cells[i]) && e.Loaded() && !g.state(e).drawn {
			return false
		}
	}
	return true
}

// visible reports whether a cell shows in the window at the current scroll.
func (g *Game) visible(c scene.Cell) bool {
	r := c.Rect.Sub(image.Pt(0, g.scroll))
	return r.Max.Y > topBar && r.Min.Y < g.size.Y
}

// triangles returns the faces of every loaded mesh.
func (g *Game) triangles() int64 {
	var n int64
	for _, e := range g.lib.Entries() {
		if !e.Fallback {
			n += int64(e.Faces)
		}
	}
	return n
}
