package render

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
)

// Tests that draw need Ebitengine's main loop, which needs a display
// (make test runs them under xvfb-run). TestMain runs the loop on the main
// goroutine and the tests on another; onMain hands work to the loop, as
// Ebitengine's own internal/testing does.

var (
	mainFuncs   = make(chan func())
	haveDisplay bool
)

type testGame struct {
	m    *testing.M
	code int
	done chan struct{}
}

func (g *testGame) Update() error {
	select {
	case f := <-mainFuncs:
		f()
	case <-g.done:
		return ebiten.Termination
	}
	return nil
}

func (*testGame) Draw(*ebiten.Image)         {}
func (*testGame) Layout(w, h int) (int, int) { return w, h }
func (g *testGame) run()                     { g.code = g.m.Run(); close(g.done) }

func TestMain(m *testing.M) {
	if os.Getenv("DISPLAY") == "" {
		fmt.Println("render: no DISPLAY, so the drawing tests skip; make test runs them under xvfb-run")
		os.Exit(m.Run())
	}
	haveDisplay = true
	g := &testGame{m: m, done: make(chan struct{})}
	go g.run()
	ebiten.SetWindowSize(320, 240)
	ebiten.SetWindowTitle("stlview render tests")
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		fmt.Fprintln(os.Stderr, "render: RunGame:", err)
		os.Exit(1)
	}
	os.Exit(g.code)
}

// onMain runs f inside the game loop and waits for it. It skips the test
// when there is no display.
func onMain(t testing.TB, f func()) {
	t.Helper()
	if !haveDisplay {
		t.Skip("needs a display: run under xvfb-run")
	}
	done := make(chan struct{})
	mainFuncs <- func() { defer close(done); f() }
	<-done
}
