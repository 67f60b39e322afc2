// Package ui is stlview's window: an Ebitengine game that shows the files
// being loaded as a gallery, one focused file with an orbit camera, and a
// HUD with the progress of the loads, the focused mesh's figures and the
// key bindings.
//
// Update plans and Draw draws, as Ebitengine's Game contract asks:
// Update polls the loader and the Store, prepares new meshes for the
// renderer within a time budget, handles input, moves the camera and
// builds a frame plan (the views to draw, and at which level of detail,
// whether a resting picture is ready to show, the HUD's operations); Draw
// renders that plan and nothing else. A moving camera draws the level of
// detail that keeps the frame in budget; once it rests, a render.Refiner
// draws full detail, supersampled, in the background, and the window
// shows it when it is complete. The gallery redraws at most a frame's
// budget of cells at a time, so hundreds of files streaming in never stall
// the window.
//
// The Game is split by concept: game.go holds the whole and its life
// cycle, view.go the focused view (camera, motion, refinement), gallery.go
// the gallery (layout, selection, cells), plan.go the frame plan and Draw,
// measure.go picking and distances, controls.go the commands, hud.go the
// HUD's layout.
package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/analysis"
	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/render/scene"
)

// Options configure a Game.
type Options struct {
	Loader *asyncload.Loader
	// Store owns the meshes within the memory budget; the Game pins what
	// it must keep and loads again what the Store evicted. It must be the
	// Loader's. Nil (tests) keeps every mesh.
	Store *asyncload.Store
	// Renderer draws the moving 3D picture; nil picks one: the backend a
	// Calibration file remembers, else the CPU one (and a calibration is
	// made once the window has been idle for a while, and saved).
	Renderer render.Renderer
	// Calibration is the file that remembers which renderer is faster on
	// this machine; empty means none is read or written.
	Calibration string

	Pose       scene.Pose // how each mesh is first seen
	Background color.RGBA
	Color      mesh.Color // for faces without their own; zero: scene.DefaultColor
	Wireframe  bool
	BackTint   bool           // tint faces seen from behind
	Section    *scene.Section // start with a section plane
	Ortho      bool           // orthographic camera
	Smooth     bool           // smooth shading (N toggles it)
	Edges      bool           // overlay feature edges (E toggles it)
	Crease     float64        // degrees between faces that make a crease and a feature edge; 0: 30
	Grid, Axes bool           // a ground grid, the axes
	// Levels, if set, builds a loaded mesh's levels of detail on the
	// loader's workers (as asyncload.Config.Levels would, but after the
	// load, so the mesh is shown at full detail first). It must honour ctx.
	Levels func(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error)
	Units  string // unit of the file's numbers, for labels ("mm"); empty: none

	Spin          bool   // turn the camera steadily
	SpinFrames    int    // with Spin, stop turning after this many frames that show a mesh (0: never)
	MaxFrames     int    // quit after this many frames; 0: never
	ExitAfterLoad bool   // quit a second after the last load settles
	FrameStats    string // write a FrameReport here at exit
	Screenshot    string // once everything is loaded and drawn at rest, save the picture here and quit
	ScreenshotDir string // where the S key saves; empty: the user's pictures folder
	Workers       int    // the loader's workers, for the frame report
	Started       time.Time
	// Report, if set, is called on the game goroutine once for each
	// source that fails (and for each file whose reload fails), as it
	// happens: the program prints it.
	Report func(source string, err error)
}

// Game is the viewer. Create it with New, queue sources with Add, run it
// with ebiten.RunGame, then call Close. Apart from Add before RunGame,
// only Ebitengine's game goroutine may call its methods.
type Game struct {
	opt     Options
	lib     *Library
	r       render.Renderer
	refiner *render.Refiner
	// rendererNote says how the renderer was chosen, for the HUD.
	rendererNote string
	calibrate    bool // measure the backends once the window idles

	size  image.Point   // the window, from Layout
	layer *ebiten.Image // the 3D picture, kept between frames

	gallery gallery
	view    focusView
	measure measurement

	wire     bool
	backTint bool
	help     bool
	failures bool // the failure list is open
	problems bool // overlay the focused mesh's problem edges
	// problemCache holds the overlay lines of the report problemsOf.
	problemsOf   *analysis.Report
	problemCache []scene.Line
	smooth       bool // smooth shading
	edges        bool // overlay feature edges
	grid         bool
	axes         bool
	crease       float64 // degrees
	in           inputReader
	cmds         []Command
	changed      []*Entry
	forget       []*mesh.Mesh
	drops        *dropWatcher
	notice       string    // a message for the top bar (a saved screenshot, a drop)
	noticeAt     time.Time // when it was set: it fades after noticeShown
	reported     map[*Entry]error
	analysing    map[*asyncload.Entry]*asyncload.Handle // analyses asked for (nil: deferred); see analyse
	deferred     []*asyncload.Entry                     // big meshes whose analysis waits for the window to idle
	levelsWanted []levelsWant                           // loaded meshes whose levels are not asked for yet
	dropped      []*asyncload.Entry                     // poll buffer for Library.Dropped
	deriving     map[deriveKey]*asyncload.Handle        // derived data asked for (see derive)
	// derivedDone counts derived data stored, from the workers; seen is
	// the count the pictures on screen know of.
	derivedDone atomic.Int64
	derivedSeen int64

	plan         framePlan
	shownOps     []hudOp     // the HUD on screen, so an unchanged frame can skip drawing
	shownSize    image.Point // the screen's size then
	shownLayered bool        // the screen shows the layer (not g.pic)
	shownTitle   string      // the window's title
	pic          *image.RGBA // the focused picture in memory, with the CPU backend
	shot         shotState
	stats        frameStats

	frames    int
	started   time.Time // when the program started: loads started then
	loadedAt  time.Time // when the last pending load settled
	idleSince time.Time // when the picture last changed or a load settled
	done      bool      // Update returns ebiten.Termination
	err       error
}

// New returns a game with no files; add them with Add.
func New(opt Options) *Game {
	if opt.Background == (color.RGBA{}) {
		opt.Background = scene.DefaultBackground
	}
	if opt.Started.IsZero() {
		opt.Started = time.Now()
	}
	g := &Game{
		opt:       opt,
		lib:       NewLibrary(opt.Loader, opt.Store),
		r:         opt.Renderer,
		refiner:   render.NewRefiner(),
		wire:      opt.Wireframe,
		backTint:  opt.BackTint,
		drops:     newDropWatcher(),
		started:   opt.Started,
		stats:     frameStats{record: opt.FrameStats != ""},
		reported:  map[*Entry]error{},
		analysing: map[*asyncload.Entry]*asyncload.Handle{},
		deriving:  map[deriveKey]*asyncload.Handle{},
		smooth:    opt.Smooth,
		edges:     opt.Edges,
		grid:      opt.Grid,
		axes:      opt.Axes,
		crease:    opt.Crease,
	}
	if !(g.crease > 0 && g.crease < 180) {
		g.crease = 30
	}
	g.gallery.init()
	g.view.init(opt)
	if g.r == nil {
		g.r, g.rendererNote, g.calibrate = pickRenderer(opt.Calibration)
		g.calibrate = g.calibrate && !opt.Spin && opt.MaxFrames == 0 && opt.Screenshot == "" && opt.FrameStats == ""
	} else {
		g.rendererNote = g.r.Name()
	}
	g.gallery.pace = newPacer(g.r.Name())
	return g
}

// Add queues a file, folder or URL at priority p (see Library.Add).
func (g *Game) Add(source string, p asyncload.Priority) error {
	_, _, err := g.lib.Add(source, p)
	return err
}

// Counts returns the library's counts: how many sources were shown,
// loaded and failed.
func (g *Game) Counts() Counts { return g.lib.Counts() }

// Failures returns the sources that failed and why, in gallery order.
func (g *Game) Failures() []Failure {
	var fs []Failure
	for _, e := range g.lib.Entries() {
		if e.Err != nil {
			fs = append(fs, Failure{e.Source, e.Err})
		}
	}
	return fs
}

// Failure is a source that failed to load.
type Failure struct {
	Source string
	Err    error
}

// Renderer returns the renderer in use.
func (g *Game) Renderer() render.Renderer { return g.r }

// Close writes the frame report, if asked for, and frees the renderers. It
// returns the first error the game met.
func (g *Game) Close() error {
	err := g.err
	if g.opt.FrameStats != "" {
		r := g.stats.report(g.started)
		c := g.lib.Counts()
		r.Loads, r.Failed, r.Renderer, r.Workers = g.lib.Loads(), c.Failed, g.rendererNote, g.opt.Workers
		r.Triangles = g.triangles()
		if !g.loadedAt.IsZero() {
			r.LoadSeconds = g.loadedAt.Sub(g.started).Seconds()
		}
		err = errors.Join(err, writeReport(g.opt.FrameStats, r))
	}
	g.refiner.Close()
	g.r.Dispose()
	return errors.Join(err, g.shot.wait())
}

// Layout makes the game's pixels the window's.
func (g *Game) Layout(w, h int) (int, int) {
	g.size = image.Pt(w, h)
	return w, h
}

// Update polls the loads, handles input, moves the camera and plans the
// frame. It never blocks.
func (g *Game) Update() error {
	start := time.Now()
	defer func() { g.stats.addUpdate(time.Since(start)) }()
	if g.done {
		return ebiten.Termination
	}
	g.poll(start)
	g.prepare(start)
	g.handleDrops()
	g.layout()
	g.cmds = Commands(g.in.read(), g.view.entry != nil, g.cmds[:0])
	for _, c := range g.cmds {
		g.apply(c)
	}
	if g.opt.Spin && !g.stats.spinOver(g.opt.SpinFrames) {
		g.spin()
	}
	g.planFrame(start)
	g.shot.poll(g)
	g.checkExit()
	return nil
}

// poll takes finished loads, lets the renderer forget what the Store
// evicted, starts analyses and reports failures.
func (g *Game) poll(now time.Time) {
	g.changed = g.lib.Poll(g.changed[:0])
	g.forgetEntries()
	g.forget = g.lib.Forgotten(g.forget[:0])
	for _, m := range g.forget {
		g.r.Forget(m)
		g.view.forgot(m, g.refiner)
	}
	clear(g.forget)
	for _, e := range g.changed {
		g.gallery.changed(e, g)
		g.idleSince = now
		if se := e.Stored(); se != nil {
			if _, asked := g.analysing[se]; !asked {
				g.analysing[se] = nil
				g.levelsWanted = append(g.levelsWanted, levelsWant{se, now})
				if se.Mesh.Faces() > bigAnalysis {
					g.deferred = append(g.deferred, se)
				} else {
					g.analyse(se)
				}
			}
		}
	}
	if len(g.deferred) > 0 && g.lib.Pending() == 0 && !g.idleSince.IsZero() && now.Sub(g.idleSince) > analyseAfter {
		for _, se := range g.deferred {
			g.analyse(se)
		}
		g.deferred = g.deferred[:0]
	}
	g.startLevels(now)
	for _, e := range g.lib.Entries() {
		if se := e.Stored(); e.Preview != nil && e.Loaded() && se != nil && se.Derived(kindLevels) != nil {
			g.r.Forget(e.Preview) // its levels take its place
			e.Preview = nil
		}
	}
	if n := g.derivedDone.Load(); n != g.derivedSeen {
		g.derivedSeen = n // new normals or edges: draw them
		g.invalidate()
	}
	for _, e := range g.lib.Entries() {
		g.reportFailure(e)
	}
	entries := g.lib.Entries()
	if !g.view.autoFocused && len(entries) == 1 && g.lib.Pending() <= 1 && entries[0].Kind != asyncload.KindFolder &&
		(entries[0].Loaded() && g.lib.Pending() == 0 || entries[0].Preview != nil) {
		// A single file opens on its own, full size: as soon as a big
		// one's preview is there, so its whole shape shows while it loads.
		g.view.autoFocused = true
		g.setFocus(entries[0])
	}
	g.view.poll(g)
	if g.lib.Pending() > 0 || len(entries) == 0 {
		g.loadedAt = time.Time{}
	} else if g.loadedAt.IsZero() {
		g.loadedAt = now
		g.idleSince = now
	}
}

// reportFailure tells Options.Report of e's failure, once per error.
func (g *Game) reportFailure(e *Entry) {
	err := e.Err
	if err == nil {
		err = e.Stale
	}
	if err == nil || g.reported[e] == err {
		return
	}
	g.reported[e] = err
	if g.opt.Report != nil {
		g.opt.Report(e.Source, err)
	}
}

// prepareBudget is the time per frame Update spends turning new meshes into
// the renderer's buffers.
const prepareBudget = 2 * time.Millisecond

// prepare converts loaded meshes for the renderer, the focused one first,
// until the budget is spent, and tells the Store what the renderer keeps.
func (g *Game) prepare(start time.Time) {
	do := func(e *Entry) bool {
		st := g.gallery.state(e)
		m := e.Mesh()
		if st.ready || m == nil {
			return true
		}
		left := prepareBudget - time.Since(start)
		if left <= 0 {
			return false
		}
		st.ready = g.r.Prepare(m, left)
		if se := e.Stored(); se != nil && g.opt.Store != nil {
			g.opt.Store.SetRendererBytes(se, g.r.Bytes(m))
		}
		return true
	}
	if g.view.entry != nil && !do(g.view.entry) {
		return
	}
	for _, e := range g.lib.Entries() {
		if !do(e) {
			return
		}
	}
}

// handleDrops adds files dropped on the window: a source shown already
// is focused rather than added again, and what was dropped while a file
// is open is shown.
func (g *Game) handleDrops() {
	g.drops.check()
	d, ok := g.drops.poll()
	if !ok {
		return
	}
	var first *Entry
	added := 0
	for _, f := range d.files {
		e, isNew, err := g.lib.Add(f, asyncload.High)
		if err != nil {
			g.setNotice(explainShort(err))
			continue
		}
		if isNew {
			added++
		}
		if first == nil && e != nil {
			first = e
		}
	}
	switch {
	case d.err != nil:
		g.setNotice("drop: " + explainShort(d.err))
	case len(d.ignored) > 0 && len(d.files) == 0:
		g.setNotice(fmt.Sprintf("%s is not an STL file (want .stl or .stl.gz)", d.ignored[0]))
	case len(d.ignored) > 0:
		g.setNotice(fmt.Sprintf("added %d, ignored %d that are not STL files", added, len(d.ignored)))
	case added == 0 && first != nil:
		g.setNotice(first.Name + " is shown already")
	}
	if g.view.entry != nil && first != nil {
		g.setFocus(first) // a drop while focused shows what was dropped
	} else if first != nil {
		g.gallery.selectEntry(first, g)
	}
}

// setNotice shows s in the top bar for a while.
func (g *Game) setNotice(s string) { g.notice, g.noticeAt = s, time.Now() }

// noticeShown is how long a notice stays in the top bar.
const noticeShown = 6 * time.Second

// layout recomputes the gallery when the window or the number of files
// changed, and makes the 3D layer the window's size.
func (g *Game) layout() {
	if g.size == (image.Point{}) {
		return
	}
	if g.layer == nil || g.layer.Bounds().Size() != g.size {
		if g.layer != nil {
			g.layer.Deallocate()
		}
		// Unmanaged: a window-sized image redrawn often is better as a
		// texture of its own than as a region of Ebitengine's shared atlas.
		g.layer = ebiten.NewImageWithOptions(image.Rectangle{Max: g.size}, &ebiten.NewImageOptions{Unmanaged: true})
		g.invalidate()
	}
	g.gallery.layout(g)
}

// forgetEntries lets go of the Store entries the Store let go of: the
// maps of work asked for would otherwise keep every mesh ever loaded.
func (g *Game) forgetEntries() {
	g.dropped = g.lib.Dropped(g.dropped[:0])
	if len(g.dropped) == 0 {
		return
	}
	for _, se := range g.dropped {
		// Work still queued for the entry holds its mesh: cancel it, so
		// that the memory goes with the entry.
		if h := g.analysing[se]; h != nil {
			g.opt.Loader.Cancel(h)
		}
		delete(g.analysing, se)
		for key, h := range g.deriving {
			if key.se == se {
				g.opt.Loader.Cancel(h)
				delete(g.deriving, key)
			}
		}
	}
	gone := func(se *asyncload.Entry) bool { return slices.Contains(g.dropped, se) }
	g.deferred = slices.DeleteFunc(g.deferred, gone)
	g.levelsWanted = slices.DeleteFunc(g.levelsWanted, func(w levelsWant) bool { return gone(w.se) })
	clear(g.dropped)
}

// invalidate marks every picture for redrawing.
func (g *Game) invalidate() {
	g.gallery.invalidate()
	g.view.invalidate()
	g.refiner.Cancel()
}

// spinStep is the camera's turn per tick with --spin: 36° a second.
const spinStep = 0.6 * 3.14159265358979 / 180

func (g *Game) spin() {
	if g.view.entry != nil {
		g.view.cam.Orbit(spinStep, 0)
		g.view.moved()
		return
	}
	g.gallery.spin()
}

// exitDelay is how long --exit-after-load waits after the last load.
const exitDelay = time.Second

// checkExit ends the game when an exit condition is met.
func (g *Game) checkExit() {
	if g.opt.MaxFrames > 0 && g.frames >= g.opt.MaxFrames {
		g.done = true
	}
	if g.opt.ExitAfterLoad && !g.loadedAt.IsZero() && time.Since(g.loadedAt) >= exitDelay && g.shot.idle() {
		g.done = true
	}
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

// aspect returns the window's aspect.
func (g *Game) aspect() float32 { return float32(max(1, g.size.X)) / float32(max(1, g.size.Y)) }

// topBar is the height of the HUD's top bar; the gallery starts below it.
const topBar = 24
