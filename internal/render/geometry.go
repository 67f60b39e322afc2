package render

import (
	"slices"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
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
//	ColorR..B    the face's own colour, when ColorA is 1; with ColorA 0
//	             the item's colour (a uniform) is used instead
//
// A mesh without colours of its own, drawn without wireframe, keeps its
// shared vertices, so each is transformed once per frame. One with colours
// or a wireframe needs attributes per corner and gets a vertex per corner
// (the soup layout).

// meshBuffers holds one mesh turned into what the GPU passes draw. The
// static attributes (colour, barycentrics) are set once, by prepare; the
// positions are rewritten whenever the view changes; idx lists the
// triangles that face the eye.
type meshBuffers struct {
	mesh  *mesh.Mesh
	soup  bool
	verts []ebiten.Vertex
	idx   []uint32
	ready int // vertices whose static attributes are set
}

// bufferKey names the buffers of a mesh in one layout.
type bufferKey struct {
	mesh *mesh.Mesh
	soup bool
}

func newMeshBuffers(m *mesh.Mesh, soup bool) *meshBuffers {
	n := m.Vertices()
	if soup {
		n = 3 * m.Faces()
	}
	return &meshBuffers{mesh: m, soup: soup, verts: make([]ebiten.Vertex, n), idx: make([]uint32, 0, 3*m.Faces())}
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

// noDepth marks a projected vertex that is behind the near plane.
const noDepth = -1

// transform holds what projecting an item's vertices needs.
type transform struct {
	mvp      mgl32.Mat4
	x0, y0   float32 // viewport centre in pixels
	hw, hh   float32 // half the viewport size
	frontNeg bool    // front faces have negative screen area (no mirroring)
	vp       [4]float32
}

func newTransform(f *scene.Frame, model mgl32.Mat4) transform {
	hw, hh := float32(f.Viewport.Dx())/2, float32(f.Viewport.Dy())/2
	return transform{
		mvp: f.MVP(model),
		x0:  float32(f.Viewport.Min.X) + hw, y0: float32(f.Viewport.Min.Y) + hh, hw: hw, hh: hh,
		frontNeg: !scene.Mirrors(model),
		vp:       [4]float32{float32(f.Viewport.Min.X), float32(f.Viewport.Min.Y), float32(f.Viewport.Max.X), float32(f.Viewport.Max.Y)},
	}
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
	out.DstX = t.x0 + t.hw*cx*inv
	out.DstY = t.y0 - t.hh*cy*inv
	out.SrcX, out.SrcY = out.DstX, out.DstY
	out.Custom0 = (cz*inv + 1) / 2
}

// visible reports whether the screen triangle a, b, c faces the eye and
// may touch the viewport.
func (t *transform) visible(a, b, c *ebiten.Vertex) bool {
	area := (b.DstX-a.DstX)*(c.DstY-a.DstY) - (c.DstX-a.DstX)*(b.DstY-a.DstY)
	if (area < 0) != t.frontNeg || area == 0 {
		return false
	}
	return max(a.DstX, b.DstX, c.DstX) >= t.vp[0] && min(a.DstX, b.DstX, c.DstX) <= t.vp[2] &&
		max(a.DstY, b.DstY, c.DstY) >= t.vp[1] && min(a.DstY, b.DstY, c.DstY) <= t.vp[3]
}

// geometry turns the items of a view into their buffers' positions and
// visible triangles. Its slices are reused from frame to frame.
type geometry struct {
	scratch []ebiten.Vertex // projected shared vertices of an indexed mesh in soup layout
	clipped []ebiten.Vertex // triangles cut by the near plane, three vertices each
	faces   int             // triangles kept in the last view
}

// project fills b with the positions of it's mesh seen through t and the
// indices of its visible triangles; triangles that reach behind the near
// plane are cut and added to g.clipped, coloured as the item.
func (g *geometry) project(t *transform, it *scene.Item, b *meshBuffers) {
	m := b.mesh
	b.idx = b.idx[:0]
	pos := b.verts // where vertex v of the mesh is projected
	if b.soup && m.Indices != nil {
		g.scratch = resize(g.scratch, m.Vertices())
		pos = g.scratch
	}
	for v := range m.Vertices() {
		t.project(m.Vertex(v), &pos[v])
	}
	for f := range m.Faces() {
		i0, i1, i2 := m.Corner(f, 0), m.Corner(f, 1), m.Corner(f, 2)
		a, bb, c := &pos[i0], &pos[i1], &pos[i2]
		if a.Custom0 == noDepth || bb.Custom0 == noDepth || c.Custom0 == noDepth {
			g.clipFace(t, it, f)
			continue
		}
		if !t.visible(a, bb, c) {
			continue
		}
		g.faces++
		if !b.soup {
			b.idx = append(b.idx, uint32(i0), uint32(i1), uint32(i2))
			continue
		}
		k := uint32(3 * f)
		if m.Indices != nil { // copy the projection to the corners
			for c, src := range [3]*ebiten.Vertex{a, bb, c} {
				dst := &b.verts[3*f+c]
				dst.DstX, dst.DstY, dst.SrcX, dst.SrcY, dst.Custom0 = src.DstX, src.DstY, src.SrcX, src.SrcY, src.Custom0
			}
		}
		b.idx = append(b.idx, k, k+1, k+2)
	}
}

// clipFace cuts face f of it, which reaches behind the near plane, to the
// part in front of it (in clip space, where the cut is linear) and adds
// what is left, zero to two triangles, to g.clipped.
func (g *geometry) clipFace(t *transform, it *scene.Item, f int) {
	type corner struct {
		clip mgl32.Vec4
		pos  mgl32.Vec3 // model space
		bary [2]float32
	}
	var in [3]corner
	for k := range 3 {
		p := it.Mesh.Vertex(it.Mesh.Corner(f, k))
		in[k] = corner{t.mvp.Mul4x1(p.Vec4(1)), p, corners[k]}
	}
	// Sutherland–Hodgman against the near plane, z + w >= 0.
	dist := func(c *corner) float32 { return c.clip[2] + c.clip[3] }
	var out [4]corner
	n := 0
	for k := range 3 {
		a, b := &in[k], &in[(k+1)%3]
		da, db := dist(a), dist(b)
		if da >= 0 {
			out[n] = *a
			n++
		}
		if (da >= 0) != (db >= 0) {
			s := da / (da - db)
			out[n] = corner{
				clip: a.clip.Add(b.clip.Sub(a.clip).Mul(s)),
				pos:  a.pos.Add(b.pos.Sub(a.pos).Mul(s)),
				bary: [2]float32{a.bary[0] + (b.bary[0]-a.bary[0])*s, a.bary[1] + (b.bary[1]-a.bary[1])*s},
			}
			n++
		}
	}
	c := it.FaceColor(f)
	var vs [4]ebiten.Vertex
	for k := range n {
		t.project(out[k].pos, &vs[k])
		if vs[k].Custom0 == noDepth { // rounding put it a hair behind the plane
			w := out[k].clip[3]
			vs[k].DstX, vs[k].DstY, vs[k].Custom0 = t.x0+t.hw*out[k].clip[0]/w, t.y0-t.hh*out[k].clip[1]/w, 0
			vs[k].SrcX, vs[k].SrcY = vs[k].DstX, vs[k].DstY
		}
		vs[k].ColorR, vs[k].ColorG, vs[k].ColorB, vs[k].ColorA = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, 1
		vs[k].Custom1, vs[k].Custom2 = out[k].bary[0], out[k].bary[1]
	}
	for k := 1; k+1 < n; k++ {
		if t.visible(&vs[0], &vs[k], &vs[k+1]) {
			g.clipped = append(g.clipped, vs[0], vs[k], vs[k+1])
			g.faces++
		}
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
