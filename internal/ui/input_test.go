package ui

import (
	"fmt"
	"image"
	"math"
	"slices"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/render/scene"
)

// TestCommandsKeys checks every key binding, in the gallery and focused.
func TestCommandsKeys(t *testing.T) {
	cursor := image.Pt(123, 45)
	for _, tt := range []struct {
		name  string
		key   ebiten.Key
		shift bool
		want  Command
	}{
		{"F fits", ebiten.KeyF, false, Command{Action: ActFit}},
		{"1 front", ebiten.Key1, false, Command{Action: ActView, View: scene.Front}},
		{"2 back", ebiten.Key2, false, Command{Action: ActView, View: scene.Back}},
		{"3 left", ebiten.Key3, false, Command{Action: ActView, View: scene.Left}},
		{"4 right", ebiten.Key4, false, Command{Action: ActView, View: scene.Right}},
		{"5 top", ebiten.Key5, false, Command{Action: ActView, View: scene.Top}},
		{"6 bottom", ebiten.Key6, false, Command{Action: ActView, View: scene.Bottom}},
		{"0 iso", ebiten.Key0, false, Command{Action: ActView, View: scene.Iso}},
		{"R resets", ebiten.KeyR, false, Command{Action: ActReset}},
		{"W wireframe", ebiten.KeyW, false, Command{Action: ActWireframe}},
		{"H help", ebiten.KeyH, false, Command{Action: ActHelp}},
		{"shift H help too", ebiten.KeyH, true, Command{Action: ActHelp}},
		{"? help", ebiten.KeySlash, true, Command{Action: ActHelp}},
		{"S screenshot", ebiten.KeyS, false, Command{Action: ActScreenshot}},
		{"Enter opens at the cursor", ebiten.KeyEnter, false, Command{Action: ActOpen, At: cursor}},
		{"keypad Enter opens", ebiten.KeyNumpadEnter, false, Command{Action: ActOpen, At: cursor}},
		{"Esc goes back", ebiten.KeyEscape, false, Command{Action: ActBack}},
		{"Backspace goes back", ebiten.KeyBackspace, false, Command{Action: ActBack}},
		{"right arrow next", ebiten.KeyArrowRight, false, Command{Action: ActNext}},
		{"left arrow previous", ebiten.KeyArrowLeft, false, Command{Action: ActPrev}},
		{"up arrow", ebiten.KeyArrowUp, false, Command{Action: ActUp}},
		{"down arrow", ebiten.KeyArrowDown, false, Command{Action: ActDown}},
		{"Home", ebiten.KeyHome, false, Command{Action: ActHome}},
		{"End", ebiten.KeyEnd, false, Command{Action: ActEnd}},
		{"page down scrolls", ebiten.KeyPageDown, false, Command{Action: ActPageDown}},
		{"page up scrolls", ebiten.KeyPageUp, false, Command{Action: ActPageUp}},
		{"B tints faces from behind", ebiten.KeyB, false, Command{Action: ActBackTint}},
		{"X cycles the section", ebiten.KeyX, false, Command{Action: ActSection}},
		{"[ moves the section back", ebiten.KeyBracketLeft, false, Command{Action: ActSectionMove, DY: -1}},
		{"] moves it on", ebiten.KeyBracketRight, false, Command{Action: ActSectionMove, DY: 1}},
		{"shift ] moves it faster", ebiten.KeyBracketRight, true, Command{Action: ActSectionMove, DY: 10}},
		{"O orthographic", ebiten.KeyO, false, Command{Action: ActOrtho}},
		{"P problem edges", ebiten.KeyP, false, Command{Action: ActProblems}},
		{"N smooth shading", ebiten.KeyN, false, Command{Action: ActSmooth}},
		{"E feature edges", ebiten.KeyE, false, Command{Action: ActEdges}},
		{"G grid", ebiten.KeyG, false, Command{Action: ActGrid}},
		{"A axes", ebiten.KeyA, false, Command{Action: ActAxes}},
		{"L the failure list", ebiten.KeyL, false, Command{Action: ActFailures}},
		{"Q quits", ebiten.KeyQ, false, Command{Action: ActQuit}},
	} {
		for _, focused := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s focused=%v", tt.name, focused), func(t *testing.T) {
				in := Input{Keys: []ebiten.Key{tt.key}, Shift: tt.shift, Cursor: cursor}
				got := Commands(in, focused, nil)
				if want := []Command{tt.want}; !slices.Equal(got, want) {
					t.Errorf("got %+v, want %+v", got, want)
				}
			})
		}
	}
}

// TestCommandsUnbound checks that other keys ask for nothing.
func TestCommandsUnbound(t *testing.T) {
	for _, k := range []ebiten.Key{ebiten.KeySlash, ebiten.KeyZ, ebiten.Key7, ebiten.KeySpace, ebiten.KeyShift, ebiten.KeyTab} {
		if got := Commands(Input{Keys: []ebiten.Key{k}}, true, nil); len(got) != 0 {
			t.Errorf("key %v: got %+v, want no command", k, got)
		}
	}
}

// TestCommandsMouse checks drags, the wheel and clicks.
func TestCommandsMouse(t *testing.T) {
	at := image.Pt(300, 200)
	for _, tt := range []struct {
		name    string
		in      Input
		focused bool
		want    []Command
	}{
		{"nothing", Input{Cursor: at}, true, nil},
		{"moving without a button", Input{Cursor: at, Move: image.Pt(5, 3)}, true, nil},
		{"left drag orbits", Input{Cursor: at, Move: image.Pt(5, -3), Left: true}, true, []Command{{Action: ActOrbit, DX: 5, DY: -3}}},
		{"right drag pans", Input{Cursor: at, Move: image.Pt(-2, 7), Right: true}, true, []Command{{Action: ActPan, DX: -2, DY: 7}}},
		{"middle drag pans", Input{Cursor: at, Move: image.Pt(4, 0), Middle: true}, true, []Command{{Action: ActPan, DX: 4}}},
		{"left and right drag orbits", Input{Cursor: at, Move: image.Pt(1, 1), Left: true, Right: true}, true, []Command{{Action: ActOrbit, DX: 1, DY: 1}}},
		{"holding still", Input{Cursor: at, Left: true}, true, nil},
		{"wheel up zooms in at the cursor", Input{Cursor: at, Wheel: 1}, true, []Command{{Action: ActZoom, Factor: zoomStep, At: at}}},
		{"wheel down zooms out", Input{Cursor: at, Wheel: -2}, true, []Command{{Action: ActZoom, Factor: float32(math.Pow(zoomStep, -2)), At: at}}},
		{"a fraction of a notch", Input{Cursor: at, Wheel: 0.5}, true, []Command{{Action: ActZoom, Factor: float32(math.Pow(zoomStep, 0.5)), At: at}}},
		{"wheel down scrolls the gallery down", Input{Cursor: at, Wheel: -1}, false, []Command{{Action: ActScroll, DY: scrollStep}}},
		{"wheel up scrolls it up", Input{Cursor: at, Wheel: 2}, false, []Command{{Action: ActScroll, DY: -2 * scrollStep}}},
		{"a click opens at the cursor", Input{Cursor: at, Clicked: true}, false, []Command{{Action: ActOpen, At: at, Click: true}}},
		{"a click on a file picks a point", Input{Cursor: at, Clicked: true}, true, []Command{{Action: ActPick, At: at}}},
		{"shift-click picks without snapping", Input{Cursor: at, Clicked: true, Shift: true}, true, []Command{{Action: ActPick, At: at, NoSnap: true}}},
		{"ctrl-wheel moves the section", Input{Cursor: at, Wheel: -1, Ctrl: true}, true, []Command{{Action: ActSectionMove, DY: -1}}},
		{
			"keys, click, drag and wheel in one tick, in that order",
			Input{Keys: []ebiten.Key{ebiten.KeyW, ebiten.KeyF}, Cursor: at, Clicked: true, Move: image.Pt(2, 2), Right: true, Wheel: 1},
			true,
			[]Command{{Action: ActWireframe}, {Action: ActFit}, {Action: ActPick, At: at}, {Action: ActPan, DX: 2, DY: 2}, {Action: ActZoom, Factor: zoomStep, At: at}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Commands(tt.in, tt.focused, nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCommandsAppends checks that Commands appends to buf, as the game's
// reuse of one slice needs.
func TestCommandsAppends(t *testing.T) {
	buf := make([]Command, 1, 8)
	buf[0] = Command{Action: ActQuit}
	got := Commands(Input{Keys: []ebiten.Key{ebiten.KeyH}}, false, buf)
	want := []Command{{Action: ActQuit}, {Action: ActHelp}}
	if !slices.Equal(got, want) || &got[0] != &buf[0] {
		t.Errorf("got %+v, want %+v in buf's array", got, want)
	}
}
