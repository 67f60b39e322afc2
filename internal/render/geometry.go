package render

import (
	"slices"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// The GPU passes draw vertices that the CPU has already projected: the
// vertex stage of Ebitengine is fixed. Each ebiten.Vertex carries
//
//	DstX, DstY         the position in target pixels
//	Custom0            the depth in [0, 1], affine in screen space
//	Custom1..3         the position in view space, for the face normal
//	ColorR..A          the face's base colour
//	SrcX, SrcY         barycentric coordinates, for the wireframe
//
// geometry builds those vertices and the indices of the front-facing
// triangles for one view. A mesh without colours of its own, drawn without
// wireframe, keeps its shared vertices (each is transformed once); one with
// colours or a wireframe needs attributes per corner and is drawn as a
// soup of the visible faces only.
type geometry struct {
	verts   []ebiten.Vertex // what the passes draw
	idx     []uint32
	scratch []ebiten.Vertex // projected mesh vertices, for soup meshes
	clipped []ebiten.Vertex // triangles cut by the near plane, three vertices each
	faces   int             // triangles in idx and clipped
}

// noDepth marks a projected vertex that is behind the near plane.
const noDepth = -1

// build fills g with the triangles of view v, whose frame is f. The slices
// are reused from call to call and grow with the scene.
func (g *geometry) build(v *scene.View, f *scene.Frame) {
	g.verts, g.idx, g.clipped, g.faces = g.verts[:0], g.idx[:0], g.clipped[:0], 0
	for i := range v.Items {
		it := &v.Items[i]
		if it.Mesh == nil || it.Mesh.Faces() == 0 {
			continue
		}
		g.addItem(f, it, v.Wireframe)
	}
	// The near-clipped triangles go last, as a soup of their own.
	base := uint32(len(g.verts))
	g.verts = append(g.verts, g.clipped...)
	for k := range uint32(len(g.clipped)) {
		g.idx = append(g.idx, base+k)
	}
}

// transform holds what projecting an item's vertices needs.
type transform struct {
	mvp, mv  mgl32.Mat4
	x0, y0   float32 // viewport centre in pixels
	hw, hh   float32 // half the viewport size
	frontNeg bool    // front faces have negative screen area (no mirroring)
	vp       [4]float32
}

func newTransform(f *scene.Frame, model mgl32.Mat4) transform {
	hw, hh := float32(f.Viewport.Dx())/2, float32(f.Viewport.Dy())/2
	return transform{
		mvp: f.MVP(model), mv: f.View.Mul4(model),
		x0: float32(f.Viewport.Min.X) + hw, y0: float32(f.Viewport.Min.Y) + hh, hw: hw, hh: hh,
		frontNeg: !scene.Mirrors(model),
		vp:       [4]float32{float32(f.Viewport.Min.X), float32(f.Viewport.Min.Y), float32(f.Viewport.Max.X), float32(f.Viewport.Max.Y)},
	}
}

// project writes the projection of model-space point p into out; out's
// colour and barycentric fields are left alone.
func (t *transform) project(p mgl32.Vec3, out *ebiten.Vertex) {
	m, x, y, z := &t.mvp, p[0], p[1], p[2]
	cx := m[0]*x + m[4]*y + m[8]*z + m[12]
	cy := m[1]*x + m[5]*y + m[9]*z + m[13]
	cz := m[2]*x + m[6]*y + m[10]*z + m[14]
	cw := m[3]*x + m[7]*y + m[11]*z + m[15]
	v := &t.mv
	out.Custom1 = v[0]*x + v[4]*y + v[8]*z + v[12]
	out.Custom2 = v[1]*x + v[5]*y + v[9]*z + v[13]
	out.Custom3 = v[2]*x + v[6]*y + v[10]*z + v[14]
	if !(cw > 0) || cz < -cw {
		out.Custom0 = noDepth
		return
	}
	inv := 1 / cw
	out.DstX = t.x0 + t.hw*cx*inv
	out.DstY = t.y0 - t.hh*cy*inv
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

func (g *geometry) addItem(f *scene.Frame, it *scene.Item, wire bool) {
	m := it.Mesh
	t := newTransform(f, it.Model)
	soup := wire || m.Colors != nil
	nv := m.Vertices()
	first := len(g.verts)
	var proj []ebiten.Vertex
	if soup {
		g.scratch = resize(g.scratch, nv)
		proj = g.scratch
	} else {
		g.verts = resize(g.verts, first+nv)
		proj = g.verts[first:]
		r, gg, b := colorOf(it.FaceColor(0))
		for i := range proj {
			proj[i].ColorR, proj[i].ColorG, proj[i].ColorB, proj[i].ColorA = r, gg, b, 1
		}
	}
	for i := range nv {
		t.project(m.Vertex(i), &proj[i])
	}
	for face := range m.Faces() {
		i0, i1, i2 := m.Corner(face, 0), m.Corner(face, 1), m.Corner(face, 2)
		a, b, c := &proj[i0], &proj[i1], &proj[i2]
		if a.Custom0 == noDepth || b.Custom0 == noDepth || c.Custom0 == noDepth {
			g.clipFace(&t, it, face)
			continue
		}
		if !t.visible(a, b, c) {
			continue
		}
		g.faces++
		if !soup {
			g.idx = append(g.idx, uint32(first+i0), uint32(first+i1), uint32(first+i2))
			continue
		}
		r, gg, bb := colorOf(it.FaceColor(face))
		base := uint32(len(g.verts))
		for k, src := range [3]*ebiten.Vertex{a, b, c} {
			vx := *src
			vx.ColorR, vx.ColorG, vx.ColorB, vx.ColorA = r, gg, bb, 1
			vx.SrcX, vx.SrcY = corners[k][0], corners[k][1]
			g.verts = append(g.verts, vx)
		}
		g.idx = append(g.idx, base, base+1, base+2)
	}
}

// corners are the barycentric (SrcX, SrcY) of a triangle's three corners;
// the third coordinate is 1 - SrcX - SrcY.
var corners = [3][2]float32{{1, 0}, {0, 1}, {0, 0}}

// clipFace cuts face of it, which reaches behind the near plane, to the
// part in front of it (in clip space, where the cut is linear) and adds
// what is left, zero to two triangles, to g.clipped.
func (g *geometry) clipFace(t *transform, it *scene.Item, face int) {
	type corner struct {
		clip mgl32.Vec4
		pos  mgl32.Vec3 // model space
		bary [2]float32
	}
	var in [3]corner
	for k := range 3 {
		p := it.Mesh.Vertex(it.Mesh.Corner(face, k))
		in[k] = corner{t.mvp.Mul4x1(p.Vec4(1)), p, corners[k]}
	}
	// Sutherland–Hodgman against z + w >= 0, a little inside to keep w > 0.
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
	r, gg, bb := colorOf(it.FaceColor(face))
	var vs [4]ebiten.Vertex
	for k := range n {
		t.project(out[k].pos, &vs[k])
		if vs[k].Custom0 == noDepth { // rounding put it a hair behind the plane
			vs[k].Custom0 = 0
			w := out[k].clip[3]
			vs[k].DstX, vs[k].DstY = t.x0+t.hw*out[k].clip[0]/w, t.y0-t.hh*out[k].clip[1]/w
		}
		vs[k].ColorR, vs[k].ColorG, vs[k].ColorB, vs[k].ColorA = r, gg, bb, 1
		vs[k].SrcX, vs[k].SrcY = out[k].bary[0], out[k].bary[1]
	}
	for k := 1; k+1 < n; k++ {
		if t.visible(&vs[0], &vs[k], &vs[k+1]) {
			g.clipped = append(g.clipped, vs[0], vs[k], vs[k+1])
			g.faces++
		}
	}
}

// colorOf returns a colour's channels in [0, 1].
func colorOf(c mesh.Color) (r, g, b float32) {
	return float32(c.R) / 255, float32(c.G) / 255, float32(c.B) / 255
}

// resize returns s with length n, keeping its elements and reusing its
// array when it is big enough.
func resize[T any](s []T, n int) []T {
	if n > cap(s) {
		s = slices.Grow(s, n-len(s))
	}
	return s[:n]
}
