package render

import (
	"math"
	"slices"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

// The GPU passes draw vertices that the CPU has already projected: the
// vertex stage of Ebitengine is fixed. Each ebiten.Vertex carries
//
//	DstX, DstY   the position in target pixels
//	SrcX, SrcY   the same position: Ebitengine moves it onto the depth
//	             images' texture, so the shaders look depths up there
//	             wherever the target image lies in its own texture
//	Custom0      the depth in [0, 1], affine in screen space
//	Custom1, 2   barycentric coordinates, for the wireframe
//	Custom3      for smooth shading, the corner's cosine with the light
//	             (seen from the front) plus smoothMark; 0 for flat
//	ColorR..B    the face's own colour, when ColorA is 1; with ColorA 0
//	             the item's colour (a uniform) is used instead
//
// A mesh without colours of its own, drawn without wireframe, keeps its
// shared vertices, so each is transformed once per frame. One with colours
// or a wireframe needs attributes per corner and gets a vertex per corner
// (the soup layout), and so does one shaded smooth. Faces are drawn from both sides: the index list holds
// the faces seen from the front first, then those seen from behind, which
// the colour pass draws with a uniform that says so (their shading, tint
// or cap).

// meshBuffers holds one mesh turned into what the GPU passes draw. The
// static attributes (colour, barycentrics) are set once, by prepare; the
// positions are rewritten whenever the view changes; idx lists the
// triangles to draw, front-facing first (nfront of them), then the others.
type meshBuffers struct {
	mesh   *mesh.Mesh
	soup   bool
	smooth bool // Custom3 carries corner cosines (soup layout only)
	verts  []ebiten.Vertex
	idx    []uint32
	back   []uint32 // scratch: the back faces' indices before they join idx
	nfront int      // indices in idx of front faces
	ready  int      // vertices whose static attributes are set
}

// bufferKey names the buffers of a mesh in one layout: smooth ones (soup
// too) carry the corners' cosines, which flat ones leave zero.
type bufferKey struct {
	mesh   *mesh.Mesh
	soup   bool
	smooth bool
}

// smoothMark is added to a smooth corner's cosine in Custom3, so that the
// colour pass tells it from a flat vertex's zero.
const smoothMark = 4

func newMeshBuffers(k bufferKey) *meshBuffers {
	m := k.mesh
	n := m.Vertices()
	if k.soup {
		n = 3 * m.Faces()
	}
	return &meshBuffers{mesh: m, soup: k.soup, smooth: k.soup && k.smooth, verts: make([]ebiten.Vertex, n), idx: make([]uint32, 0, 3*m.Faces())}
}

// bytes returns the memory b holds.
func (b *meshBuffers) bytes() int64 {
	const vertexSize = 12 * 4
	return int64(cap(b.verts))*vertexSize + 4*int64(cap(b.idx)+cap(b.back))
}

// prepareChunk is how many vertices prepare converts between looks at the
// clock.
const prepareChunk = 16384

// prepare sets static attributes until they are all set or budget has
// passed (a zero budget means no limit). It reports whether it is done.
// The shared layout has none to set but is still touched once, so the
// page faults of a fresh slice happen here and not in a frame's Draw.
func (b *meshBuffers) prepare(budget time.Duration) bool {
	start := time.Now()
	for b.ready < len(b.verts) {
		end := min(len(b.verts), b.ready+prepareChunk)
		for i := b.ready; i < end; i++ {
			v := &b.verts[i]
			if !b.soup {
				v.ColorA = 0
				continue
			}
			f, c := i/3, i%3
			v.Custom1, v.Custom2 = corners[c][0], corners[c][1]
			if cs := b.mesh.Colors; cs != nil && cs[f].A != 0 {
				v.ColorR, v.ColorG, v.ColorB, v.ColorA = float32(cs[f].R)/255, float32(cs[f].G)/255, float32(cs[f].B)/255, 1
			}
		}
		b.ready = end
		if budget > 0 && time.Since(start) > budget {
			break
		}
	}
	return b.ready == len(b.verts)
}

// corners are the barycentric (Custom1, Custom2) of a triangle's three
// corners; the third coordinate is 1 - Custom1 - Custom2.
var corners = [3][2]float32{{1, 0}, {0, 1}, {0, 0}}

// noDepth marks a projected vertex that is behind the near plane, or cut
// away by the view's section.
const noDepth = -1

// transform holds what projecting an item's vertices needs.
type transform struct {
	mvp     mgl32.Mat4
	normal  mgl32.Mat3 // model-space normals to view space
	px      scene.PixelTransform
	front   float32 // sign of the screen area (y down) of front faces
	cull    float32 // sign of the screen area of faces skipped, or 0
	vp      [4]float32
	section bool
	cut     [4]float64 // the section in clip space: kept where cut·clip ≥ 0
}

func newTransform(f *scene.Frame, v *scene.View, it *scene.Item) transform {
	t := transform{
		mvp:    f.MVP(it.Model),
		normal: f.NormalMatrix(it.Model),
		px:     f.Pixels(),
		front:  -1, // counter-clockwise with y up is clockwise with y down
		vp:     [4]float32{float32(f.Viewport.Min.X), float32(f.Viewport.Min.Y), float32(f.Viewport.Max.X), float32(f.Viewport.Max.Y)},
	}
	if scene.Mirrors(it.Model) {
		t.front = 1
	}
	switch {
	case v.Section != nil:
		t.section = true
		t.cut = f.ClipPlane(v.Section.Plane())
	case it.Cull == scene.CullBack:
		t.cull = -t.front
	case it.Cull == scene.CullFront:
		t.cull = t.front
	}
	return t
}

// project writes the projection of model-space point p into out's
// position and depth; its colour and barycentrics are left alone.
func (t *transform) project(p mgl32.Vec3, out *ebiten.Vertex) {
	m, x, y, z := &t.mvp, p[0], p[1], p[2]
	cx := m[0]*x + m[4]*y + m[8]*z + m[12]
	cy := m[1]*x + m[5]*y + m[9]*z + m[13]
	cz := m[2]*x + m[6]*y + m[10]*z + m[14]
	cw := m[3]*x + m[7]*y + m[11]*z + m[15]
	if !(cw > 0) || cz < -cw {
		out.Custom0 = noDepth
		return
	}
	inv := 1 / cw
	out.DstX = t.px.CX + t.px.SX*cx*inv
	out.DstY = t.px.CY - t.px.SY*cy*inv
	out.SrcX, out.SrcY = out.DstX, out.DstY
	out.Custom0 = (cz*inv + 1) / 2
}

// cornerCos returns the cosine between the light and packed model-space
// normal p, seen from the front, as package raster computes it.
func (t *transform) cornerCos(p uint32) float32 {
	return scene.LightCos(&t.normal, shading.Unpack(p))
}

// facing returns the sign of the screen area of triangle a, b, c (y
// down), 0 when it has none, and whether it may touch the viewport.
func (t *transform) facing(a, b, c *ebiten.Vertex) (float32, bool) {
	area := (b.DstX-a.DstX)*(c.DstY-a.DstY) - (c.DstX-a.DstX)*(b.DstY-a.DstY)
	if area == 0 || !(max(a.DstX, b.DstX, c.DstX) >= t.vp[0] && min(a.DstX, b.DstX, c.DstX) <= t.vp[2] &&
		max(a.DstY, b.DstY, c.DstY) >= t.vp[1] && min(a.DstY, b.DstY, c.DstY) <= t.vp[3]) {
		return 0, false
	}
	if area < 0 {
		return -1, true
	}
	return 1, true
}

// geometry turns the items of a view into their buffers' positions and
// faces to draw. Its slices are reused from frame to frame.
type geometry struct {
	scratch []ebiten.Vertex // projected shared vertices of an indexed mesh in soup layout
	// clipped holds the triangles cut by the near plane or the section,
	// three vertices each; clipBack says which were seen from behind.
	clipped  []ebiten.Vertex
	clipBack []bool
	beyond   []bool
	faces    int // triangles kept in the last view
}

// project fills b with the positions of m (the level of it drawn) seen
// through t and the indices of the faces to draw; faces that reach
// behind the near plane or across the section are cut and added to
// g.clipped, coloured as the item.
func (g *geometry) project(t *transform, it *scene.Item, m *mesh.Mesh, b *meshBuffers) {
	b.idx, b.back = b.idx[:0], b.back[:0]
	corners := it.CornerNormals(m) // only with the soup layout
	pos := b.verts                 // where vertex v of the mesh is projected
	if b.soup && m.Indices != nil {
		g.scratch = resize(g.scratch, m.Vertices())
		pos = g.scratch
	}
	for v := range m.Vertices() {
		t.project(m.Vertex(v), &pos[v])
	}
	if t.section {
		g.beyond = resize(g.beyond, m.Vertices())
		for v := range m.Vertices() {
			p := m.Vertex(v)
			c := t.mvp.Mul4x1(p.Vec4(1))
			g.beyond[v] = t.cut[0]*float64(c[0])+t.cut[1]*float64(c[1])+t.cut[2]*float64(c[2])+t.cut[3]*float64(c[3]) < 0
		}
	}
	for f := range m.Faces() {
		i0, i1, i2 := m.Corner(f, 0), m.Corner(f, 1), m.Corner(f, 2)
		if t.section && (g.beyond[i0] || g.beyond[i1] || g.beyond[i2]) {
			if !(g.beyond[i0] && g.beyond[i1] && g.beyond[i2]) {
				g.clipFace(t, it, m, f, corners)
			}
			continue
		}
		a, bb, c := &pos[i0], &pos[i1], &pos[i2]
		if a.Custom0 == noDepth || bb.Custom0 == noDepth || c.Custom0 == noDepth {
			g.clipFace(t, it, m, f, corners)
			continue
		}
		s, ok := t.facing(a, bb, c)
		if !ok || s == t.cull {
			continue
		}
		g.faces++
		k := [3]uint32{uint32(i0), uint32(i1), uint32(i2)}
		if b.soup {
			k = [3]uint32{uint32(3 * f), uint32(3*f + 1), uint32(3*f + 2)}
			if m.Indices != nil { // copy the projection to the corners
				for c, src := range [3]*ebiten.Vertex{a, bb, c} {
					dst := &b.verts[3*f+c]
					dst.DstX, dst.DstY, dst.SrcX, dst.SrcY, dst.Custom0 = src.DstX, src.DstY, src.SrcX, src.SrcY, src.Custom0
				}
			}
			if corners != nil && b.smooth {
				for c := range 3 {
					b.verts[3*f+c].Custom3 = t.cornerCos(corners[3*f+c]) + smoothMark
				}
			}
		}
		if s == t.front {
			b.idx = append(b.idx, k[0], k[1], k[2])
		} else {
			b.back = append(b.back, k[0], k[1], k[2])
		}
	}
	b.nfront = len(b.idx)
	b.idx = append(b.idx, b.back...)
}

// clipFace cuts face f of m, which reaches behind the near plane or
// across the section, to the part that shows (in clip space, where the
// cut is linear) and adds what is left, zero or more triangles, to
// g.clipped. normals are m's corner normals when it is shaded smooth.
func (g *geometry) clipFace(t *transform, it *scene.Item, m *mesh.Mesh, f int, normals []uint32) {
	var poly, next [5]scene.ClipVertex
	for k := range 3 {
		p := m.Vertex(m.Corner(f, k))
		c := t.mvp.Mul4x1(p.Vec4(1))
		poly[k] = scene.ClipVertex{C: [4]float64{float64(c[0]), float64(c[1]), float64(c[2]), float64(c[3])},
			Attr: [4]float64{float64(corners[k][0]), float64(corners[k][1])}, Corner: k}
		if normals != nil {
			poly[k].Attr[2] = float64(t.cornerCos(normals[3*f+k]))
		}
	}
	n := scene.ClipPolygon(poly[:3], scene.NearPlane, next[:])
	poly, next = next, poly
	if t.section {
		n = scene.ClipPolygon(poly[:n], t.cut, next[:])
		poly = next
	}
	if n < 3 {
		return
	}
	col := it.FaceColorOf(m, f)
	var vs [5]ebiten.Vertex
	for k := range n {
		c := poly[k].C
		w := c[3]
		if !(w > 0) {
			return
		}
		vs[k].DstX = t.px.CX + t.px.SX*float32(c[0]/w)
		vs[k].DstY = t.px.CY - t.px.SY*float32(c[1]/w)
		vs[k].SrcX, vs[k].SrcY = vs[k].DstX, vs[k].DstY
		vs[k].Custom0 = float32(math.Max(0, (c[2]/w+1)/2))
		vs[k].ColorR, vs[k].ColorG, vs[k].ColorB, vs[k].ColorA = float32(col.R)/255, float32(col.G)/255, float32(col.B)/255, 1
		vs[k].Custom1, vs[k].Custom2 = float32(poly[k].Attr[0]), float32(poly[k].Attr[1])
		if normals != nil {
			vs[k].Custom3 = float32(poly[k].Attr[2]) + smoothMark
		}
	}
	for k := 1; k+1 < n; k++ {
		s, ok := t.facing(&vs[0], &vs[k], &vs[k+1])
		if !ok || s == t.cull {
			continue
		}
		g.clipped = append(g.clipped, vs[0], vs[k], vs[k+1])
		g.clipBack = append(g.clipBack, s != t.front)
		g.faces++
	}
}

// resize returns s with length n, keeping its elements and reusing its
// array when it is big enough.
func resize[T any](s []T, n int) []T {
	if n > cap(s) {
		s = slices.Grow(s, n-len(s))
	}
	return s[:n]
}
