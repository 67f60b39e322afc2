package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render/scene"
)

// These tests drive the game's logic without a window: commands, focus,
// selection, scrolling, the motion state machine and the progress model.
// They set the window size and the gallery by hand, since layout makes
// Ebitengine images.

// newStoreLoader returns a loader of indexed meshes into a new Store of
// budget bytes (0: a gigabyte), closed when the test ends.
func newStoreLoader(t *testing.T, cfg asyncload.Config, budget int64) (*asyncload.Loader, *asyncload.Store) {
	t.Helper()
	if budget == 0 {
		budget = 1 << 30
	}
	s := asyncload.NewStore(asyncload.NewBudget(budget, "--cache-mb"))
	cfg.Store = s
	return newLoader(t, cfg), s
}

// newGame returns a game over a new loader and Store, whose renderers are
// disposed of when the test ends.
func newGame(t *testing.T, opt Options, cfg asyncload.Config) *Game {
	t.Helper()
	if opt.Loader == nil {
		opt.Loader, opt.Store = newStoreLoader(t, cfg, 0)
	}
	g := New(opt)
	t.Cleanup(func() { g.refiner.Close() })
	return g
}

// newTestGame returns a game over files named names under a new folder,
// all loaded, with an 800×600 window and its gallery laid out.
func newTestGame(t *testing.T, names ...string) *Game {
	t.Helper()
	dir := t.TempDir()
	g := newGame(t, Options{ScreenshotDir: dir}, asyncload.Config{Workers: 2})
	for _, n := range names {
		if err := g.Add(stltest.WriteTorus(t, dir, n, 4), asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	waitGame(t, g)
	g.size = image.Pt(800, 600)
	g.gallery.cells = scene.GalleryLayout(len(names), image.Rect(0, topBar, 800, 600))
	return g
}

// waitGame polls g's loads, as Update does, until none is pending.
func waitGame(t *testing.T, g *Game) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for g.poll(time.Now()); g.lib.Pending() > 0; g.poll(time.Now()) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the loads; entries: %s", describe(g.lib))
		}
		time.Sleep(time.Millisecond)
	}
}

// waitJobs waits until every analysis and derive job g has started has
// returned, and so unpinned its Store entry (a job stores its result just
// before it lets go of the pin).
func waitJobs(t *testing.T, g *Game) {
	t.Helper()
	var hs []*asyncload.Handle
	for _, h := range g.analysing {
		hs = append(hs, h)
	}
	for _, h := range g.deriving {
		hs = append(hs, h)
	}
	timeout := time.After(eventually)
	for _, h := range hs {
		if h == nil {
			continue // an analysis that waits for the window to be idle
		}
		select {
		case <-h.Done():
		case <-timeout:
			t.Fatal("timed out waiting for the analysis and derive jobs")
		}
	}
}

// centre returns the middle of cell i.
func (g *Game) centre(i int) image.Point {
	r := g.gallery.cells[i].Rect
	return r.Min.Add(r.Size().Div(2))
}

func focusName(g *Game) string {
	if g.view.entry == nil {
		return "gallery"
	}
	return g.view.entry.Name
}

func TestGameOpenAndStep(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl", "c.stl", "d.stl", "e.stl")
	cells := g.gallery.cells
	gap := image.Pt((cells[0].Rect.Max.X+cells[1].Rect.Min.X)/2, cells[0].Rect.Min.Y+20) // between two cells
	for _, tt := range []struct {
		name     string
		start    string // focused file before the command, or "gallery"
		selected int    // the gallery's selection before, or -1
		cmd      Command
		want     string
	}{
		{"a click on a cell opens it", "gallery", -1, Command{Action: ActOpen, At: g.centre(2), Click: true}, "c.stl"},
		{"a click opens the clicked cell, not the selected", "gallery", 1, Command{Action: ActOpen, At: g.centre(2), Click: true}, "c.stl"},
		{"a click on a label opens its file", "gallery", -1, Command{Action: ActOpen, At: cells[4].Label.Min.Add(image.Pt(5, 5)), Click: true}, "e.stl"},
		{"a click between cells opens nothing", "gallery", -1, Command{Action: ActOpen, At: gap, Click: true}, "gallery"},
		{"a click on the top bar opens nothing", "gallery", -1, Command{Action: ActOpen, At: image.Pt(400, 5), Click: true}, "gallery"},
		{"Enter opens the selected file", "gallery", 3, Command{Action: ActOpen, At: g.centre(1)}, "d.stl"},
		{"Enter with no selection opens the file under the cursor", "gallery", -1, Command{Action: ActOpen, At: g.centre(3)}, "d.stl"},
		{"Enter away from the cells opens the first", "gallery", -1, Command{Action: ActOpen, At: gap}, "a.stl"},
		{"open does nothing when focused", "b.stl", -1, Command{Action: ActOpen, At: g.centre(3), Click: true}, "b.stl"},
		{"Esc goes back", "b.stl", -1, Command{Action: ActBack}, "gallery"},
		{"Esc in the gallery stays", "gallery", -1, Command{Action: ActBack}, "gallery"},
		{"→ in the gallery moves the selection, opens nothing", "gallery", -1, Command{Action: ActNext}, "gallery"},
		{"next", "b.stl", -1, Command{Action: ActNext}, "c.stl"},
		{"next wraps", "e.stl", -1, Command{Action: ActNext}, "a.stl"},
		{"previous", "c.stl", -1, Command{Action: ActPrev}, "b.stl"},
		{"previous wraps", "a.stl", -1, Command{Action: ActPrev}, "e.stl"},
		{"Page Up does not open a file", "gallery", -1, Command{Action: ActPageUp}, "gallery"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g.setFocus(nil)
			g.gallery.selected = tt.selected
			if tt.start != "gallery" {
				g.setFocus(entry(t, g.lib, tt.start))
			}
			g.apply(tt.cmd)
			if got := focusName(g); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			wantTitle := "stlview"
			if tt.want != "gallery" {
				wantTitle = tt.want + " - stlview"
			}
			if got := g.title(); got != wantTitle {
				t.Errorf("title: got %q, want %q", got, wantTitle)
			}
		})
	}
}

// TestGameSelection drives the gallery's selection with the keys.
func TestGameSelection(t *testing.T) {
	checkLeaks(t)
	var names []string
	for i := range 7 {
		names = append(names, fmt.Sprintf("p%d.stl", i))
	}
	g := newTestGame(t, names...)
	cols := g.gallery.columns()
	if cols < 2 || cols >= 7 {
		t.Fatalf("the test needs a grid of rows: %d columns", cols)
	}
	g.gallery.hover = 2
	steps := []struct {
		a    Action
		want int
	}{
		{ActNext, 2}, // the first move selects the hovered cell
		{ActNext, 3},
		{ActPrev, 2},
		{ActDown, 2 + cols},
		{ActUp, 2},
		{ActUp, 2}, // no row above
		{ActEnd, 6},
		{ActNext, 6}, // the last stays
		{ActHome, 0},
		{ActPrev, 0},
	}
	for i, s := range steps {
		g.apply(Command{Action: s.a})
		if g.gallery.selected != s.want {
			t.Fatalf("step %d (action %d): selected %d, want %d", i, s.a, g.gallery.selected, s.want)
		}
	}
	g.apply(Command{Action: ActOpen})
	if got := focusName(g); got != "p0.stl" {
		t.Errorf("Enter: got %s, want p0.stl", got)
	}
	g.apply(Command{Action: ActBack})
	if g.gallery.selected != 0 {
		t.Errorf("back in the gallery, the selection is %d, want the file that was open", g.gallery.selected)
	}
}

// TestGameScroll checks that the wheel scrolls the gallery within its
// content, that clicks land on the cells as scrolled, and that a selection
// scrolls into view.
func TestGameScroll(t *testing.T) {
	checkLeaks(t)
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("part%02d.stl", i))
	}
	g := newTestGame(t, names...)
	gl := &g.gallery
	maxScroll := scene.ContentBottom(gl.cells) - 600
	if maxScroll <= 0 {
		t.Fatalf("40 cells fit in the window: the test needs a gallery that scrolls")
	}
	for _, tt := range []struct {
		name string
		from int
		dy   float32
		want int
	}{
		{"down a notch", 0, scrollStep, scrollStep},
		{"up past the top", 30, -scrollStep, 0},
		{"down past the bottom", maxScroll - 10, 5 * scrollStep, maxScroll},
		{"at the bottom", maxScroll, scrollStep, maxScroll},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gl.scroll = tt.from
			g.apply(Command{Action: ActScroll, DY: tt.dy})
			if gl.scroll != tt.want {
				t.Errorf("got scroll %d, want %d", gl.scroll, tt.want)
			}
		})
	}
	gl.scroll = 0
	g.apply(Command{Action: ActPageDown})
	if gl.scroll == 0 {
		t.Error("Page Down did not scroll")
	}
	gl.scroll = 0
	gl.selectIndex(len(names)-1, g)
	if gl.scroll != maxScroll {
		t.Errorf("selecting the last cell scrolled to %d, want %d", gl.scroll, maxScroll)
	}
	// A click at a window point opens the cell shown there.
	last := len(gl.cells) - 1
	at := g.centre(last).Sub(image.Pt(0, maxScroll))
	gl.selected = -1
	g.apply(Command{Action: ActOpen, At: at, Click: true})
	if got, want := focusName(g), names[last]; got != want {
		t.Errorf("click at %v scrolled by %d: got %s, want %s", at, maxScroll, got, want)
	}
	gl.scroll = 100
	g.apply(Command{Action: ActScroll, DY: scrollStep})
	if gl.scroll != 100 {
		t.Errorf("the wheel while focused: got scroll %d, want 100 kept", gl.scroll)
	}
}

// TestGameCamera checks that camera commands move the focused file's
// camera, and a frame is drawn again, and leave the gallery alone.
func TestGameCamera(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl")
	e := entry(t, g.lib, "a.stl")
	initial := g.initialCamera(e.Bounds, g.aspect())
	for _, tt := range []struct {
		name string
		cmd  Command
	}{
		{"orbit", Command{Action: ActOrbit, DX: 30, DY: 10}},
		{"pan", Command{Action: ActPan, DX: 30, DY: 10}},
		{"zoom", Command{Action: ActZoom, Factor: 2, At: image.Pt(100, 100)}},
		{"view", Command{Action: ActView, View: scene.Top}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g.setFocus(nil)
			g.view.cam = initial
			v := g.view.version
			g.apply(tt.cmd)
			if g.view.cam != initial || g.view.version != v {
				t.Errorf("in the gallery: got the camera moved, want nothing")
			}
			g.setFocus(e)
			g.view.cam = initial
			v = g.view.version
			g.apply(tt.cmd)
			if g.view.cam == initial || g.view.version == v {
				t.Errorf("focused: got the camera unchanged (version %d), want it moved and redrawn", g.view.version)
			}
			g.apply(Command{Action: ActReset})
			if g.view.cam != initial {
				t.Errorf("reset: got %+v, want the initial camera %+v", g.view.cam, initial)
			}
		})
	}
	g.setFocus(e)
	g.view.cam.Distance *= 10
	g.apply(Command{Action: ActFit})
	if g.view.cam.Distance >= initial.Distance*2 {
		t.Errorf("fit: distance %v, want the part framed (about %v)", g.view.cam.Distance, initial.Distance)
	}
}

// TestGameToggles checks the commands that are not about the camera.
func TestGameToggles(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl")
	for _, c := range []Action{ActWireframe, ActHelp, ActBackTint, ActOrtho, ActFailures} {
		g.apply(Command{Action: c})
	}
	if !g.wire || !g.help || !g.backTint || !g.view.ortho || !g.failures {
		t.Errorf("got wireframe %v, help %v, tint %v, ortho %v, failures %v; want all on", g.wire, g.help, g.backTint, g.view.ortho, g.failures)
	}
	g.apply(Command{Action: ActBack}) // closes the failure list first
	g.apply(Command{Action: ActBack}) // then the help
	if g.failures || g.help {
		t.Errorf("Esc: failures %v, help %v; want both closed", g.failures, g.help)
	}
	for _, c := range []Action{ActWireframe, ActBackTint, ActOrtho} {
		g.apply(Command{Action: c})
	}
	if g.wire || g.backTint || g.view.ortho {
		t.Errorf("got wireframe %v, tint %v, ortho %v; want all off again", g.wire, g.backTint, g.view.ortho)
	}
	g.apply(Command{Action: ActScreenshot})
	if dir, name := filepath.Split(g.shot.want); filepath.Clean(dir) != g.opt.ScreenshotDir || !strings.HasPrefix(name, "stlview-") || !strings.HasSuffix(name, ".png") {
		t.Errorf("got screenshot path %q, want stlview-….png in %s", g.shot.want, g.opt.ScreenshotDir)
	}
	g.apply(Command{Action: ActQuit})
	if !g.done {
		t.Error("quit: the game goes on")
	}
}

// TestGameSection cycles the section plane and moves it within the mesh.
func TestGameSection(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl")
	e := entry(t, g.lib, "a.stl")
	g.setFocus(e)
	var axes []int
	for range 4 {
		g.apply(Command{Action: ActSection})
		if s := g.view.section; s != nil {
			axes = append(axes, s.Axis)
			if c := e.Bounds.Center()[s.Axis]; s.Offset != c {
				t.Errorf("axis %d: offset %v, want the middle %v", s.Axis, s.Offset, c)
			}
		} else {
			axes = append(axes, -1)
		}
	}
	if !slices.Equal(axes, []int{0, 1, 2, -1}) {
		t.Errorf("X cycles through %v, want x, y, z, off", axes)
	}
	g.apply(Command{Action: ActSection}) // x again
	v := g.view.version
	g.apply(Command{Action: ActSectionMove, DY: 1000})
	if s := g.view.section; s.Offset != e.Bounds.Max[0] || g.view.version == v {
		t.Errorf("moved far: offset %v, want the end of the mesh %v, redrawn", s.Offset, e.Bounds.Max[0])
	}
	if sv := g.sceneView(); sv.Section == nil || sv.Section.Axis != 0 {
		t.Errorf("the view has section %+v", sv.Section)
	}
}

// TestGameAutoFocus checks that a lone file opens by itself, once.
func TestGameAutoFocus(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name    string
		sources []string
		want    string
	}{
		{"one file", []string{"one/a.stl"}, "a.stl"},
		{"a folder of one file", []string{"one"}, "a.stl"},
		{"two files", []string{"two/b.stl", "two/c.stl"}, "gallery"},
		{"a folder of two files", []string{"two"}, "gallery"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stltest.WriteTorus(t, dir, "one/a.stl", 4)
			stltest.WriteTorus(t, dir, "two/b.stl", 4)
			stltest.WriteTorus(t, dir, "two/c.stl", 4)
			g := newGame(t, Options{}, asyncload.Config{Workers: 2})
			for _, s := range tt.sources {
				if err := g.Add(filepath.Join(dir, s), asyncload.High); err != nil {
					t.Fatal(err)
				}
			}
			waitGame(t, g)
			if got := focusName(g); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			if tt.want == "gallery" {
				return
			}
			g.apply(Command{Action: ActBack})
			g.poll(time.Now())
			if got := focusName(g); got != "gallery" {
				t.Errorf("after Esc: got %s, want the gallery to stay", got)
			}
		})
	}
}

// TestGameProgress checks the progress panel's model while files load and
// once they have, and the counts.
func TestGameProgress(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	gt := stltest.NewGate("hold.stl")
	var reported []string
	g := newGame(t, Options{Report: func(s string, err error) { reported = append(reported, filepath.Base(s)) }},
		asyncload.Config{Workers: 1, Process: gt.Process})
	for _, s := range []string{stltest.WriteTorus(t, dir, "hold.stl", 8), stltest.WriteTorus(t, dir, "b.stl", 4), stltest.WriteFile(t, dir, "broken.stl", truncated)} {
		if err := g.Add(s, asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Add(filepath.Join(dir, "nothing here"), asyncload.Low); err != nil {
		t.Fatal(err)
	}
	gt.WaitHeld(t, eventually)
	g.poll(time.Now())
	m := g.progress()
	var rows []string
	for _, r := range m.Loading {
		rows = append(rows, fmt.Sprintf("%s %v", r.Name, r.Queued))
	}
	if want := []string{"hold.stl false", "b.stl true", "broken.stl true"}; m.Done != 0 || m.Total != 3 || m.Scanning != 1 || !slices.Equal(rows, want) {
		t.Errorf("while loading: got %d/%d, %d listing, rows %q; want 0/3, 1 listing, rows %q", m.Done, m.Total, m.Scanning, rows, want)
	}
	// hold.stl is read (progress 1); the others' sizes are not known yet,
	// so each weighs as much as the average known file: a third is done.
	if m.Fraction != 1.0/3 {
		t.Errorf("while loading: got fraction %v, want 1/3", m.Fraction)
	}
	gt.Release()
	waitGame(t, g)
	m = g.progress()
	var failed []string
	for _, r := range m.Failed {
		failed = append(failed, r.Name)
	}
	// A missing source might have been a file or a folder: it gets a cell
	// and a row.
	if want := []string{"broken.stl", "nothing here"}; m.Done != 4 || m.Total != 4 || m.Fraction != 1 || len(m.Loading) != 0 || !slices.Equal(failed, want) {
		t.Errorf("loaded: got %d/%d, fraction %v, %d loading, failed %q; want 4/4, 1, none, %q", m.Done, m.Total, m.Fraction, len(m.Loading), failed, want)
	}
	for _, r := range m.Failed {
		if r.Err == "" || strings.Contains(r.Err, "asyncload") || strings.Contains(r.Err, "stl:") {
			t.Errorf("%s: error text %q, want a plain sentence", r.Name, r.Err)
		}
	}
	c := g.Counts()
	if c.Shown != 4 || c.Loaded != 2 || c.Failed != 2 || g.triangles() != 128+64 {
		t.Errorf("counts %+v, %d triangles; want 4 shown, 2 loaded, 2 failed, 192 triangles", c, g.triangles())
	}
	slices.Sort(reported)
	if !slices.Equal(reported, []string{"broken.stl", "nothing here"}) {
		t.Errorf("reported %q, want the two failures once each", reported)
	}
	if fs := g.Failures(); len(fs) != 2 {
		t.Errorf("Failures: %v", fs)
	}
}

// TestGameShowsEachSourceOnce adds a file twice, and a folder holding it:
// one cell each.
func TestGameShowsEachSourceOnce(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	a := stltest.WriteTorus(t, dir, "f/a.stl", 4)
	stltest.WriteTorus(t, dir, "f/b.stl", 4)
	g := newGame(t, Options{}, asyncload.Config{Workers: 2})
	for _, s := range []string{a, a, filepath.Join(dir, "f"), filepath.Join(dir, "f", ".", "a.stl")} {
		if err := g.Add(s, asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	waitGame(t, g)
	if got := names(g.lib); !slices.Equal(got, []string{"a.stl", "b.stl"}) {
		t.Errorf("entries %q, want a.stl and b.stl once each", got)
	}
	if g.triangles() != 128 {
		t.Errorf("%d triangles, want 128", g.triangles())
	}
}
