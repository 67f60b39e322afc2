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
// scrolling and the progress model. They set the window size and the
// gallery by hand, since layout makes Ebitengine images.

// newTestGame returns a game over files named names under a new folder,
// all loaded, with an 800×600 window and its gallery laid out.
func newTestGame(t *testing.T, names ...string) *Game {
	t.Helper()
	dir := t.TempDir()
	g := New(Options{Loader: newLoader(t, asyncload.Config{Workers: 2}), ScreenshotDir: dir})
	for _, n := range names {
		if err := g.Add(stltest.WriteTorus(t, dir, n, 4), asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	waitGame(t, g)
	g.size = image.Pt(800, 600)
	g.cells = scene.GalleryLayout(len(names), image.Rect(0, topBar, 800, 600))
	return g
}

// waitGame polls g's loads, as Update does, until none is pending.
func waitGame(t *testing.T, g *Game) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for g.poll(); g.lib.Pending() > 0; g.poll() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the loads; entries: %s", describe(g.lib))
		}
		time.Sleep(time.Millisecond)
	}
}

// centre returns the middle of cell i.
func (g *Game) centre(i int) image.Point {
	r := g.cells[i].Rect
	return r.Min.Add(r.Size().Div(2))
}

func focusName(g *Game) string {
	if g.focus == nil {
		return "gallery"
	}
	return g.focus.Name
}

func TestGameOpenAndStep(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl", "c.stl", "d.stl", "e.stl")
	gap := image.Pt((g.cells[0].Rect.Max.X+g.cells[1].Rect.Min.X)/2, g.cells[0].Rect.Min.Y+20) // between two cells
	for _, tt := range []struct {
		name  string
		start string // focused file before the command, or "gallery"
		cmd   Command
		want  string
	}{
		{"a click on a cell opens it", "gallery", Command{Action: ActOpen, At: g.centre(2), Click: true}, "c.stl"},
		{"a click on a label opens its file", "gallery", Command{Action: ActOpen, At: g.cells[4].Label.Min.Add(image.Pt(5, 5)), Click: true}, "e.stl"},
		{"a click between cells opens nothing", "gallery", Command{Action: ActOpen, At: gap, Click: true}, "gallery"},
		{"a click on the top bar opens nothing", "gallery", Command{Action: ActOpen, At: image.Pt(400, 5), Click: true}, "gallery"},
		{"Enter opens the file under the cursor", "gallery", Command{Action: ActOpen, At: g.centre(3)}, "d.stl"},
		{"Enter away from the cells opens the first", "gallery", Command{Action: ActOpen, At: gap}, "a.stl"},
		{"open does nothing when focused", "b.stl", Command{Action: ActOpen, At: g.centre(3), Click: true}, "b.stl"},
		{"Esc goes back", "b.stl", Command{Action: ActBack}, "gallery"},
		{"Esc in the gallery stays", "gallery", Command{Action: ActBack}, "gallery"},
		{"next from the gallery is the first", "gallery", Command{Action: ActNext}, "a.stl"},
		{"next", "b.stl", Command{Action: ActNext}, "c.stl"},
		{"next wraps", "e.stl", Command{Action: ActNext}, "a.stl"},
		{"previous from the gallery is the last", "gallery", Command{Action: ActPrev}, "e.stl"},
		{"previous", "c.stl", Command{Action: ActPrev}, "b.stl"},
		{"previous wraps", "a.stl", Command{Action: ActPrev}, "e.stl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g.setFocus(nil)
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

// TestGameScroll checks that the wheel scrolls the gallery within its
// content, and that clicks land on the cells as scrolled.
func TestGameScroll(t *testing.T) {
	checkLeaks(t)
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("part%02d.stl", i))
	}
	g := newTestGame(t, names...)
	maxScroll := scene.ContentBottom(g.cells) - 600
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
			g.scroll = tt.from
			g.apply(Command{Action: ActScroll, DY: tt.dy})
			if g.scroll != tt.want {
				t.Errorf("got scroll %d, want %d", g.scroll, tt.want)
			}
		})
	}
	// A click at a window point opens the cell shown there.
	g.scroll = maxScroll
	last := len(g.cells) - 1
	at := g.centre(last).Sub(image.Pt(0, maxScroll))
	g.apply(Command{Action: ActOpen, At: at, Click: true})
	if got, want := focusName(g), names[last]; got != want {
		t.Errorf("click at %v scrolled by %d: got %s, want %s", at, maxScroll, got, want)
	}
	g.scroll = 100
	g.apply(Command{Action: ActScroll, DY: scrollStep})
	if g.scroll != 100 {
		t.Errorf("the wheel while focused: got scroll %d, want 100 kept", g.scroll)
	}
}

// TestGameCamera checks that camera commands move the focused file's
// camera and leave the gallery alone.
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
			g.cam, g.dirty = initial, false
			g.apply(tt.cmd)
			if g.cam != initial || g.dirty {
				t.Errorf("in the gallery: got the camera moved (dirty %v), want nothing", g.dirty)
			}
			g.setFocus(e)
			g.cam, g.dirty = initial, false
			g.apply(tt.cmd)
			if g.cam == initial || !g.dirty {
				t.Errorf("focused: got the camera unchanged (dirty %v), want it moved and redrawn", g.dirty)
			}
			g.apply(Command{Action: ActReset})
			if g.cam != initial {
				t.Errorf("reset: got %+v, want the initial camera %+v", g.cam, initial)
			}
		})
	}
	g.setFocus(e)
	g.cam.Distance *= 10
	g.apply(Command{Action: ActFit})
	if g.cam != initial {
		t.Errorf("fit: got %+v, want %+v", g.cam, initial)
	}
}

// TestGameToggles checks the commands that are not about the camera.
func TestGameToggles(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl")
	g.apply(Command{Action: ActWireframe})
	g.apply(Command{Action: ActHelp})
	if !g.wire || !g.help {
		t.Errorf("got wireframe %v, help %v; want both on", g.wire, g.help)
	}
	g.apply(Command{Action: ActWireframe})
	g.apply(Command{Action: ActHelp})
	if g.wire || g.help {
		t.Errorf("got wireframe %v, help %v; want both off again", g.wire, g.help)
	}
	g.apply(Command{Action: ActScreenshot})
	if dir, name := filepath.Split(g.shotPath); filepath.Clean(dir) != g.opt.ScreenshotDir || !strings.HasPrefix(name, "stlview-") || !strings.HasSuffix(name, ".png") {
		t.Errorf("got screenshot path %q, want stlview-….png in %s", g.shotPath, g.opt.ScreenshotDir)
	}
	g.apply(Command{Action: ActQuit})
	if !g.done {
		t.Error("quit: the game goes on")
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
			g := New(Options{Loader: newLoader(t, asyncload.Config{Workers: 2})})
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
			g.poll()
			if got := focusName(g); got != "gallery" {
				t.Errorf("after Esc: got %s, want the gallery to stay", got)
			}
		})
	}
}

// TestGameProgress checks the progress panel's model while files load and
// once they have.
func TestGameProgress(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	gt := stltest.NewGate("hold.stl")
	g := New(Options{Loader: newLoader(t, asyncload.Config{Workers: 1, Process: gt.Process})})
	for _, s := range []string{stltest.WriteTorus(t, dir, "hold.stl", 8), stltest.WriteTorus(t, dir, "b.stl", 4), stltest.WriteFile(t, dir, "broken.stl", truncated)} {
		if err := g.Add(s, asyncload.High); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Add(filepath.Join(dir, "nothing here"), asyncload.Low); err != nil {
		t.Fatal(err)
	}
	gt.WaitHeld(t, eventually)
	g.poll()
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
	// A missing source might have been a file: it gets a cell and a row.
	if want := []string{"broken.stl", "nothing here"}; m.Done != 4 || m.Total != 4 || m.Fraction != 1 || len(m.Loading) != 0 || !slices.Equal(failed, want) {
		t.Errorf("loaded: got %d/%d, fraction %v, %d loading, failed %q; want 4/4, 1, none, %q", m.Done, m.Total, m.Fraction, len(m.Loading), failed, want)
	}
	for _, r := range m.Failed {
		if r.Err == "" {
			t.Errorf("%s: got no error text", r.Name)
		}
	}
	if g.Failed() != 2 || g.triangles() != 128+64 {
		t.Errorf("got %d failed, %d triangles; want 2 (the broken file and the missing one), 192", g.Failed(), g.triangles())
	}
}
