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
	Ctrl    bool
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
	ActOrbit       Action = iota + 1 // turn the camera by DX, DY pixels of drag
	ActPan                           // move the camera by DX, DY pixels
	ActZoom                          // zoom by Factor toward At
	ActFit                           // frame the whole mesh
	ActView                          // look from a standard view
	ActReset                         // the initial view
	ActWireframe                     // toggle the wireframe overlay
	ActHelp                          // toggle the help overlay
	ActScreenshot                    // save a PNG of the 3D picture
	ActOpen                          // focus the file under At (a click), or the selected one (Enter)
	ActBack                          // clear the measurement, close the failure list, or back to the gallery
	ActNext                          // the next file (focused), or the next cell (gallery)
	ActPrev                          // the previous file, or cell
	ActUp                            // the cell above, in the gallery
	ActDown                          // the cell below
	ActHome                          // the first cell
	ActEnd                           // the last cell
	ActPageUp                        // scroll the gallery up a page
	ActPageDown                      // and down
	ActScroll                        // scroll the gallery by DY pixels
	ActPick                          // pick the point under At (NoSnap: not snapped to a vertex)
	ActBackTint                      // toggle the tint of faces seen from behind
	ActSection                       // cycle the section plane: x, y, z, off
	ActSectionMove                   // move the section plane by DY steps
	ActOrtho                         // toggle the orthographic camera
	ActProblems                      // toggle the overlay of boundary and non-manifold edges
	ActSmooth                        // toggle smooth shading
	ActEdges                         // toggle the overlay of feature edges
	ActGrid                          // toggle the ground grid
	ActAxes                          // toggle the axes
	ActFailures                      // toggle the list of failed sources
	ActQuit                          // close the viewer
)

// Command is an Action with its arguments.
type Command struct {
	Action Action
	View   scene.StandardView // for ActView
	DX, DY float32            // for ActOrbit, ActPan, ActScroll, ActSectionMove
	Factor float32            // for ActZoom
	At     image.Point        // for ActZoom, ActOpen and ActPick
	Click  bool               // for ActOpen: from the mouse, not the keyboard
	NoSnap bool               // for ActPick
}

// Input tuning.
const (
	zoomStep   = 1.15 // per wheel notch
	scrollStep = 60   // gallery pixels per wheel notch
)

// keyActions maps keys to the actions they ask for.
var keyActions = map[ebiten.Key]Command{
	ebiten.KeyF:            {Action: ActFit},
	ebiten.KeyR:            {Action: ActReset},
	ebiten.KeyW:            {Action: ActWireframe},
	ebiten.KeyH:            {Action: ActHelp},
	ebiten.KeyS:            {Action: ActScreenshot},
	ebiten.KeyB:            {Action: ActBackTint},
	ebiten.KeyX:            {Action: ActSection},
	ebiten.KeyBracketLeft:  {Action: ActSectionMove, DY: -1},
	ebiten.KeyBracketRight: {Action: ActSectionMove, DY: 1},
	ebiten.KeyO:            {Action: ActOrtho},
	ebiten.KeyP:            {Action: ActProblems},
	ebiten.KeyN:            {Action: ActSmooth},
	ebiten.KeyE:            {Action: ActEdges},
	ebiten.KeyG:            {Action: ActGrid},
	ebiten.KeyA:            {Action: ActAxes},
	ebiten.KeyL:            {Action: ActFailures},
	ebiten.KeyEnter:        {Action: ActOpen},
	ebiten.KeyNumpadEnter:  {Action: ActOpen},
	ebiten.KeyEscape:       {Action: ActBack},
	ebiten.KeyBackspace:    {Action: ActBack},
	ebiten.KeyArrowRight:   {Action: ActNext},
	ebiten.KeyArrowLeft:    {Action: ActPrev},
	ebiten.KeyArrowUp:      {Action: ActUp},
	ebiten.KeyArrowDown:    {Action: ActDown},
	ebiten.KeyHome:         {Action: ActHome},
	ebiten.KeyEnd:          {Action: ActEnd},
	ebiten.KeyPageUp:       {Action: ActPageUp},
	ebiten.KeyPageDown:     {Action: ActPageDown},
	ebiten.KeyQ:            {Action: ActQuit},
	ebiten.Key1:            {Action: ActView, View: scene.Front},
	ebiten.Key2:            {Action: ActView, View: scene.Back},
	ebiten.Key3:            {Action: ActView, View: scene.Left},
	ebiten.Key4:            {Action: ActView, View: scene.Right},
	ebiten.Key5:            {Action: ActView, View: scene.Top},
	ebiten.Key6:            {Action: ActView, View: scene.Bottom},
	ebiten.Key0:            {Action: ActView, View: scene.Iso},
}

// Commands maps one tick of input to commands, appended to buf. Dragging
// with the left button orbits and with the right or middle button pans;
// the wheel zooms toward the cursor when focused (with Ctrl held, it moves
// the section plane) and scrolls the gallery otherwise; a click opens the
// cell under it in the gallery and picks a point when focused (Shift: not
// snapped to a vertex); "?" (shift and slash) also toggles the help, and
// Shift makes the section's steps bigger.
func Commands(in Input, focused bool, buf []Command) []Command {
	for _, k := range in.Keys {
		if k == ebiten.KeySlash && in.Shift {
			buf = append(buf, Command{Action: ActHelp})
			continue
		}
		if c, ok := keyActions[k]; ok {
			switch c.Action {
			case ActOpen:
				c.At = in.Cursor
			case ActSectionMove:
				if in.Shift {
					c.DY *= 10
				}
			}
			buf = append(buf, c)
		}
	}
	if in.Clicked {
		if focused {
			buf = append(buf, Command{Action: ActPick, At: in.Cursor, NoSnap: in.Shift})
		} else {
			buf = append(buf, Command{Action: ActOpen, At: in.Cursor, Click: true})
		}
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
		switch {
		case focused && in.Ctrl:
			buf = append(buf, Command{Action: ActSectionMove, DY: float32(in.Wheel)})
		case focused:
			f := float32(math.Pow(zoomStep, in.Wheel))
			buf = append(buf, Command{Action: ActZoom, Factor: f, At: in.Cursor})
		default:
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
	cursor  image.Point // the cursor at the last read, for the gallery's hover
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
		Ctrl:   ebiten.IsKeyPressed(ebiten.KeyControl),
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
	r.last, r.cursor = cur, cur
	return in
}
