package ui

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"go.uber.org/goleak"
)

// Most tests here need no display. The few that run a Game need
// Ebitengine's main loop, which needs one (make test runs the tests under
// xvfb-run), and RunGame runs once per process: TestMain runs a driver
// game on the main goroutine and the tests on another, and the driver
// runs the games the tests hand it, one after the other.

var (
	haveDisplay bool
	games       = make(chan *gameRun)
	mainFuncs   = make(chan func())
)

// gameRun is one Game for the driver to run until it ends.
type gameRun struct {
	game     *Game
	deadline time.Time
	done     chan error // receives the game's error, then Close's, joined
}

// errTimedOut ends a game that did not finish in time.
var errTimedOut = errors.New("the game did not end in time")

// driver is the game RunGame runs: it starts the tests on the first tick,
// runs their games, and ends once they are done. Its fields belong to the
// game goroutine.
type driver struct {
	m     *testing.M
	code  int
	tests chan struct{} // closed when m.Run returns
	cur   *gameRun
}

func (d *driver) Update() error {
	if d.tests == nil {
		d.tests = make(chan struct{})
		go func() { d.code = d.m.Run(); close(d.tests) }()
	}
	if d.cur == nil {
		select {
		case f := <-mainFuncs:
			f()
			return nil
		case <-d.tests:
			return ebiten.Termination
		default:
			return nil
		}
	}
	err := d.cur.game.Update()
	if err == nil && time.Now().After(d.cur.deadline) {
		err = errTimedOut
	}
	if err != nil {
		if errors.Is(err, ebiten.Termination) {
			err = nil
		}
		d.cur.done <- errors.Join(err, d.cur.game.Close()) // Close disposes the renderer: on this goroutine
		d.cur = nil
	}
	return nil
}

func (d *driver) Draw(screen *ebiten.Image) {
	if d.cur != nil {
		d.cur.game.Draw(screen)
	}
}

// Layout takes the next game, if any: Ebitengine calls Layout before
// Update, and a game may count on that.
func (d *driver) Layout(w, h int) (int, int) {
	if d.cur == nil {
		select {
		case d.cur = <-games:
		default:
			return w, h
		}
	}
	return d.cur.game.Layout(w, h)
}

// testWindow is the size of the test window.
const testWidth, testHeight = 640, 480

func TestMain(m *testing.M) {
	if os.Getenv("DISPLAY") == "" {
		fmt.Println("ui: no DISPLAY, so the tests that open a window skip; make test runs them under xvfb-run")
		goleak.VerifyTestMain(m)
		return
	}
	haveDisplay = true
	d := &driver{m: m}
	ebiten.SetWindowSize(testWidth, testHeight)
	ebiten.SetWindowTitle("stlview ui tests")
	if err := ebiten.RunGame(d); err != nil && !errors.Is(err, ebiten.Termination) {
		fmt.Fprintln(os.Stderr, "ui: RunGame:", err)
		os.Exit(1)
	}
	os.Exit(d.code)
}

// runGame runs g in the window until it ends, within limit, and returns
// its error. It skips the test when there is no display.
func runGame(t *testing.T, g *Game, limit time.Duration) error {
	t.Helper()
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	r := &gameRun{game: g, deadline: time.Now().Add(limit), done: make(chan error, 1)}
	games <- r
	return <-r.done
}

// onMain runs f on the game goroutine, between games, and waits for it.
// It skips the test when there is no display.
func onMain(t *testing.T, f func()) {
	t.Helper()
	if !haveDisplay {
		t.Skip("needs a display: make test runs the tests under xvfb-run")
	}
	done := make(chan struct{})
	mainFuncs <- func() { defer close(done); f() }
	<-done
}
