package ui

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/stlview/stlview/internal/render/scene"
)

// Input is what the user did during one tick, read from Ebitengine by
// readInput. It is plain data, so the mapping to commands is tested
// without a window.
type Input struct {
	Keys    []ebiten.Key // keys that went down this tick
	Shift   bool
	Cursor  image.Point
	Move    image.Point // cursor motion since the last tick
	Left    bool        // buttons held down
	Right   bool
	Middle  bool
	Clicked bool // the left button went up without dragging
	Wheel   float64
}

// Action is something the user asks for.
type Action uint8

const (
	ActOrbit      Action = iota + 1 // turn the camera by DX, DY pixels of drag
	ActPan                          // move the camera by DX, DY pixels
	ActZoom                         // zoom by Factor toward At
	ActFit                          // frame the whole mesh
	ActView                         // look from a standard view
	ActReset                        // the initial view
	ActWireframe                    // toggle the wireframe overlay
	ActHelp                         // toggle the help overlay
	ActScreenshot                   // save a PNG of the window
	ActOpen                         // focus the file under At (a click), or the selected one (Enter)
	ActBack                         // back to the gallery
	ActNext                         // the next file
	ActPrev                         // the previous file
	ActScroll                       // scroll the gallery by DY pixels
	ActQuit                         // close the viewer
)

// Command is an Action with its arguments.
type Command struct {
	Action Action
	View   scene.StandardView // for ActView
	DX, DY float32            // for ActOrbit, ActPan, ActScroll
	Factor float32            // for ActZoom
	At     image.Point        // for ActZoom and ActOpen
	Click  bool               // for ActOpen: from the mouse, not the keyboard
}

// Input tuning.
const (
	zoomStep   = 1.15 // per wheel notch
	scrollStep = 60   // gallery pixels per wheel notch
)

// keyActions maps keys to the actions they ask for.
var keyActions = map[ebiten.Key]Command{
	ebiten.KeyF:           {Action: ActFit},
	ebiten.KeyR:           {Action: ActReset},
	ebiten.KeyW:           {Action: ActWireframe},
	ebiten.KeyH:           {Action: ActHelp},
	ebiten.KeyS:           {Action: ActScreenshot},
	ebiten.KeyEnter:       {Action: ActOpen},
	ebiten.KeyNumpadEnter: {Action: ActOpen},
	ebiten.KeyEscape:      {Action: ActBack},
	ebiten.KeyBackspace:   {Action: ActBack},
	ebiten.KeyArrowRight:  {Action: ActNext},
	ebiten.KeyArrowLeft:   {Action: ActPrev},
	ebiten.KeyPageDown:    {Action: ActNext},
	ebiten.KeyPageUp:      {Action: ActPrev},
	ebiten.KeyQ:           {Action: ActQuit},
	ebiten.Key1:           {Action: ActView, View: scene.Front},
	ebiten.Key2:           {Action: ActView, View: scene.Back},
	ebiten.Key3:           {Action: ActView, View: scene.Left},
	ebiten.Key4:           {Action: ActView, View: scene.Right},
	ebiten.Key5:           {Action: ActView, View: scene.Top},
	ebiten.Key6:           {Action: ActView, View: scene.Bottom},
	ebiten.Key0:           {Action: ActView, View: scene.Iso},
}

// Commands maps one tick of input to commands, appended to buf. Dragging
// with the left button orbits and with the right or middle button pans;
// the wheel zooms toward the cursor when focused (zoom) and scrolls the
// gallery otherwise; "?" (shift and slash) also toggles the help.
func Commands(in Input, focused bool, buf []Command) []Command {
	for _, k := range in.Keys {
		if k == ebiten.KeySlash && in.Shift {
			buf = append(buf, Command{Action: ActHelp})
			continue
		}
		if c, ok := keyActions[k]; ok {
			if c.Action == ActOpen {
				c.At = in.Cursor
			}
			buf = append(buf, c)
		}
	}
	if in.Clicked {
		buf = append(buf, Command{Action: ActOpen, At: in.Cursor, Click: true})
	}
	if in.Move != (image.Point{}) {
		dx, dy := float32(in.Move.X), float32(in.Move.Y)
		switch {
		case in.Left:
			buf = append(buf, Command{Action: ActOrbit, DX: dx, DY: dy})
		case in.Right || in.Middle:
			buf = append(buf, Command{Action: ActPan, DX: dx, DY: dy})
		}
	}
	if in.Wheel != 0 {
		if focused {
			f := float32(math.Pow(zoomStep, in.Wheel))
			buf = append(buf, Command{Action: ActZoom, Factor: f, At: in.Cursor})
		} else {
			buf = append(buf, Command{Action: ActScroll, DY: float32(-in.Wheel * scrollStep)})
		}
	}
	return buf
}

// inputReader reads Ebitengine's input state into Input, remembering what
// it needs from tick to tick (where the cursor was, whether a press has
// turned into a drag). Only the game goroutine may use it.
type inputReader struct {
	last    image.Point
	pressAt image.Point
	dragged bool
	keys    []ebiten.Key
}

// clickSlop is how far the cursor may move between press and release for
// the release to count as a click.
const clickSlop = 4

func (r *inputReader) read() Input {
	x, y := ebiten.CursorPosition()
	cur := image.Pt(x, y)
	r.keys = inpututil.AppendJustPressedKeys(r.keys[:0])
	_, wy := ebiten.Wheel()
	in := Input{
		Keys:   r.keys,
		Shift:  ebiten.IsKeyPressed(ebiten.KeyShift),
		Cursor: cur,
		Left:   ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft),
		Right:  ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight),
		Middle: ebiten.IsMouseButtonPressed(ebiten.MouseButtonMiddle),
		Wheel:  wy,
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		r.pressAt, r.dragged = cur, false
	}
	if in.Left || in.Right || in.Middle {
		in.Move = cur.Sub(r.last)
	}
	if in.Left && !r.dragged {
		if d := cur.Sub(r.pressAt); d.X*d.X+d.Y*d.Y > clickSlop*clickSlop {
			r.dragged = true
		} else {
			in.Move = image.Point{} // not a drag yet
		}
	}
	if inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) && !r.dragged {
		in.Clicked = true
	}
	r.last = cur
	return in
}
