package ui

import (
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// measurement is the focused view's picked points: a click picks the point
// under the cursor, read from the face ids of the resting picture (the
// full mesh, even while a level of detail is shown while moving), snapped
// to the nearest vertex within snapPixels unless Shift is held. One point
// shows its coordinates; a second, the distance between the two. A third
// click starts again; Esc clears.
type measurement struct {
	points  []mgl32.Vec3 // 0, 1 or 2 picked points, in the mesh's coordinates
	snapped []bool
	// pending are the clicks waiting for the resting picture to pick on,
	// in order: a click right after a move comes before the Refiner is
	// done, and a second may follow before it is.
	pending  []click
	lastMiss bool // the last click hit nothing
}

// click is a click to pick a point at.
type click struct {
	at     image.Point
	noSnap bool
}

// snapPixels is how near the cursor a vertex must project to be snapped to.
const snapPixels = 8

func (m *measurement) clear() { *m = measurement{} }

// active reports whether something is picked (the HUD draws it every
// frame, following the camera).
func (m *measurement) active() bool { return len(m.points) > 0 }

// click asks for the point under pixel at; the pick happens as soon as
// the picture at rest is on screen.
func (m *measurement) click(at image.Point, noSnap bool) {
	m.pending = append(m.pending, click{at, noSnap})
}

// resolve picks the pending clicks once the focused view is at rest.
func (m *measurement) resolve(g *Game) {
	if len(m.pending) == 0 || g.view.entry == nil || !g.view.rested {
		return
	}
	for _, c := range m.pending {
		m.pick(g, c)
	}
	m.pending = m.pending[:0]
}

// pick picks the point of one click.
func (m *measurement) pick(g *Game, c click) {
	p, snapped, ok := g.pick(c.at, !c.noSnap)
	m.lastMiss = !ok
	if !ok {
		return
	}
	if len(m.points) >= 2 {
		m.points, m.snapped = m.points[:0], m.snapped[:0]
	}
	m.points = append(m.points, p)
	m.snapped = append(m.snapped, snapped)
}

// pick returns the point of the focused mesh under pixel at of the resting
// picture, snapped to a vertex within snapPixels when snap is set.
func (g *Game) pick(at image.Point, snap bool) (mgl32.Vec3, bool, bool) {
	m := g.view.entry.Mesh()
	if m == nil {
		return mgl32.Vec3{}, false, false
	}
	sv := g.sceneView()
	f := sv.Frame()
	return pickPoint(g.refiner.Pick, m, &f, at, snap)
}

// hitsAt reads a picture's face ids: the face (of the full mesh) drawn at
// pixel x, y and its depth.
type hitsAt func(x, y int) (raster.Hit, bool)

// pickPoint returns the point of m under pixel at of a picture drawn
// through frame f whose face ids hits reads, and whether it was snapped
// to a vertex: with snap, to the vertex of a face drawn within snapPixels
// that projects nearest to at, if one is within snapPixels (beside the
// part too, so a corner on its outline can be picked). ok is false when
// nothing is there. Its cost does not depend on m's size.
func pickPoint(hits hitsAt, m *mesh.Mesh, f *scene.Frame, at image.Point, snap bool) (p mgl32.Vec3, snapped, ok bool) {
	if snap {
		if v, ok := snapVertex(hits, at, m, f); ok {
			return v, true, true
		}
	}
	hit, ok := hits(at.X, at.Y)
	if !ok || hit.Face >= m.Faces() {
		return mgl32.Vec3{}, false, false
	}
	return f.Unproject(float32(at.X)+0.5, float32(at.Y)+0.5, hit.Depth), false, true
}

// snapVertex returns the vertex of a face shown within snapPixels of at
// that projects nearest to it, if one is within snapPixels.
func snapVertex(hits hitsAt, at image.Point, m *mesh.Mesh, f *scene.Frame) (mgl32.Vec3, bool) {
	best, bestD := mgl32.Vec3{}, float32(snapPixels*snapPixels+1)
	var seenBuf [(2*snapPixels + 1) * (2*snapPixels + 1)]int
	seen := seenBuf[:0] // the faces tried: few, so a list beats a map
	for dy := -snapPixels; dy <= snapPixels; dy++ {
		for dx := -snapPixels; dx <= snapPixels; dx++ {
			hit, ok := hits(at.X+dx, at.Y+dy)
			if !ok || hit.Face >= m.Faces() || slices.Contains(seen, hit.Face) {
				continue
			}
			seen = append(seen, hit.Face)
			for c := range 3 {
				v := m.Vertex(m.Corner(hit.Face, c))
				x, y, _, ok := f.Project(v)
				if !ok {
					continue
				}
				ddx, ddy := x-(float32(at.X)+0.5), y-(float32(at.Y)+0.5)
				if d := ddx*ddx + ddy*ddy; d < bestD {
					best, bestD = v, d
				}
			}
		}
	}
	return best, bestD <= snapPixels*snapPixels
}

// measureOps lays out the picked points: a marker at each, their line and
// its length, and the coordinates of the last.
func (g *Game) measureOps(ops []hudOp) []hudOp {
	m := &g.measure
	if g.view.entry == nil {
		return ops
	}
	for _, c := range m.pending {
		ops = append(ops, hudOp{Kind: opText, At: c.at.Add(image.Pt(10, 4)), Text: "picking…", Color: dimColor})
	}
	if len(m.points) == 0 {
		return ops
	}
	sv := g.sceneView()
	f := sv.Frame()
	var px [2]image.Point
	var vis [2]bool
	for i, p := range m.points {
		x, y, _, ok := f.Project(p)
		if !ok {
			continue
		}
		px[i], vis[i] = image.Pt(int(x), int(y)), true
		ops = append(ops, hudOp{Kind: opMarker, At: px[i], Color: measureColor})
	}
	u := g.unit()
	num := coordFormat(g.view.entry.Bounds.Size().Len())
	if len(m.points) == 2 {
		a, b := m.points[0], m.points[1]
		d := b.Sub(a)
		if vis[0] && vis[1] {
			ops = append(ops, hudOp{Kind: opLine, At: px[0], To: px[1], Color: measureColor})
		}
		label := fmt.Sprintf("%s%s  (Δx %s, Δy %s, Δz %s)", num(d.Len()), u, num(d[0]), num(d[1]), num(d[2]))
		mid := px[0].Add(px[1]).Div(2)
		if !vis[0] || !vis[1] {
			mid = image.Pt(g.size.X/2, g.size.Y-3*lineHeight)
		}
		ops = append(ops, labelOp(mid.Add(image.Pt(8, -lineHeight)), label)...)
	}
	last := m.points[len(m.points)-1]
	snap := ""
	if m.snapped[len(m.snapped)-1] {
		snap = " (vertex)"
	}
	ops = append(ops, labelOp(px[len(m.points)-1].Add(image.Pt(10, 4)),
		fmt.Sprintf("(%s, %s, %s)%s%s", num(last[0]), num(last[1]), num(last[2]), u, snap))...)
	return ops
}

// coordFormat returns the formatting of coordinates and distances on a
// part of the given size (its bounding diagonal): to a thousandth of the
// size, so a 40 mm part reads in hundredths of a millimetre and a 4 m one
// in millimetres, with no "-0.00".
func coordFormat(size float32) func(float32) string {
	decimals := 3
	if size > 0 && !math.IsInf(float64(size), 0) {
		decimals = min(6, max(0, 3-int(math.Floor(math.Log10(float64(size))))))
	}
	return func(v float32) string {
		s := strconv.FormatFloat(float64(v), 'f', decimals, 32)
		if strings.Trim(s, "-0.") == "" {
			s = strings.TrimPrefix(s, "-")
		}
		return s
	}
}

// labelOp returns a text on a dark box at p, for labels over the picture.
func labelOp(p image.Point, s string) []hudOp {
	w := measure(s)
	return []hudOp{
		{Kind: opFill, Rect: image.Rect(p.X-3, p.Y, p.X+w+3, p.Y+lineHeight), Color: panelColor},
		{Kind: opText, At: p, Text: s, Color: textColor},
	}
}
