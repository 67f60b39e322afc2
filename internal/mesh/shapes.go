package mesh

import (
	"math"

	"github.com/go-gl/mathgl/mgl32"
)

// FromTriangles builds a soup mesh from pos, nine floats a face, as a
// decoder would: normals recomputed, non-finite faces dropped, bounds and
// degenerate faces counted. The mesh takes ownership of pos.
func FromTriangles(pos []float32) *Mesh {
	faces := len(pos) / 9
	m := &Mesh{
		Positions: pos[:9*faces],
		Normals:   make([]float32, 3*faces),
		Solids:    []Solid{{Count: faces}},
		FacesRead: faces,
	}
	st := processParallel(m.Positions, m.Normals, Decoder{}.workers(faces))
	m.Bounds = st.bounds
	m.Degenerate = st.degenerate
	dropFaces(m, st.dropped)
	return m
}

// Torus returns a torus around the z axis through the origin, with major
// radius R, minor radius r, nu segments around the axis and nv around the
// tube: 2·nu·nv faces, wound counter-clockwise seen from outside.
func Torus(R, r float32, nu, nv int) *Mesh {
	return FromTriangles(grid(nu, nv, true, func(u, v float64) mgl32.Vec3 {
		ring := float64(R) + float64(r)*math.Cos(v)
		return mgl32.Vec3{float32(ring * math.Cos(u)), float32(ring * math.Sin(u)), r * float32(math.Sin(v))}
	}))
}

// Sphere returns a UV sphere of radius r at the origin with nu segments of
// longitude and nv of latitude: 2·nu·(nv-1) faces, outward.
func Sphere(r float32, nu, nv int) *Mesh {
	return FromTriangles(grid(nu, nv, false, func(u, v float64) mgl32.Vec3 {
		lat := v/2 - math.Pi/2 // from -z to +z as v runs over [0, 2π]
		ring := math.Cos(lat)
		if ring < 1e-9 {
			ring = 0 // the poles: one point, whatever u is
		}
		return mgl32.Vec3{r * float32(ring*math.Cos(u)), r * float32(ring*math.Sin(u)), r * float32(math.Sin(lat))}
	}))
}

// grid samples a parametric surface over u, v in [0, 2π] on an nu×nv grid
// and returns two faces per cell, nine floats a face, leaving out faces
// with two equal corners (at the poles of a sphere). u wraps around; v
// wraps when wrapV is set, so the seam's vertices are bit-identical.
func grid(nu, nv int, wrapV bool, at func(u, v float64) mgl32.Vec3) []float32 {
	pos := make([]float32, 0, 18*nu*nv)
	p := func(i, j int) mgl32.Vec3 {
		if wrapV {
			j %= nv
		}
		return at(2*math.Pi*float64(i%nu)/float64(nu), 2*math.Pi*float64(j)/float64(nv))
	}
	for i := range nu {
		for j := range nv {
			a, b, c, d := p(i, j), p(i+1, j), p(i+1, j+1), p(i, j+1)
			if a != b {
				pos = appendTriangle(pos, a, b, c)
			}
			if c != d {
				pos = appendTriangle(pos, a, c, d)
			}
		}
	}
	return pos
}

// Cuboid returns an axis-aligned box from lo to hi: 12 faces, outward.
func Cuboid(lo, hi mgl32.Vec3) *Mesh {
	corner := func(i int) mgl32.Vec3 {
		c := lo
		for k := range 3 {
			if i&(1<<k) != 0 {
				c[k] = hi[k]
			}
		}
		return c
	}
	// Each side lists its corners counter-clockwise seen from outside.
	sides := [6][4]int{{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4}, {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}}
	pos := make([]float32, 0, 12*9)
	for _, s := range sides {
		a, b, c, d := corner(s[0]), corner(s[1]), corner(s[2]), corner(s[3])
		pos = appendTriangle(pos, a, b, c)
		pos = appendTriangle(pos, a, c, d)
	}
	return FromTriangles(pos)
}

// Cylinder returns a closed cylinder of radius r along z from 0 to h with
// n segments: 4n faces.
func Cylinder(r, h float32, n int) *Mesh {
	pos := make([]float32, 0, 4*n*9)
	at := func(i int, z float32) mgl32.Vec3 {
		a := 2 * math.Pi * float64(i%n) / float64(n)
		return mgl32.Vec3{r * float32(math.Cos(a)), r * float32(math.Sin(a)), z}
	}
	bottom, top := mgl32.Vec3{0, 0, 0}, mgl32.Vec3{0, 0, h}
	for i := range n {
		a, b, c, d := at(i, 0), at(i+1, 0), at(i+1, h), at(i, h)
		pos = appendTriangle(pos, a, b, c)
		pos = appendTriangle(pos, a, c, d)
		pos = appendTriangle(pos, bottom, b, a)
		pos = appendTriangle(pos, top, d, c)
	}
	return FromTriangles(pos)
}

func appendTriangle(pos []float32, a, b, c mgl32.Vec3) []float32 {
	return append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2])
}

// Transform returns a soup copy of m with every vertex moved by t; colours
// and solids are shared with m.
func (m *Mesh) Transform(t mgl32.Mat4) *Mesh {
	faces := m.Faces()
	pos := make([]float32, 0, 9*faces)
	for f := range faces {
		a, b, c := m.Face(f)
		pos = appendTriangle(pos, mgl32.TransformCoordinate(a, t), mgl32.TransformCoordinate(b, t), mgl32.TransformCoordinate(c, t))
	}
	out := FromTriangles(pos)
	out.Colors, out.Solids = m.Colors, m.Solids
	return out
}

// Merge returns a soup mesh holding the faces of all meshes in order, each
// input's solids kept. If any input has colours, the result has colours,
// with A = 0 (none) for the faces of inputs without.
func Merge(meshes ...*Mesh) *Mesh {
	faces := 0
	colored := false
	for _, m := range meshes {
		faces += m.Faces()
		colored = colored || m.Colors != nil
	}
	pos := make([]float32, 0, 9*faces)
	var colors []Color
	if colored {
		colors = make([]Color, 0, faces)
	}
	var solids []Solid
	for _, m := range meshes {
		base := len(pos) / 9
		for f := range m.Faces() {
			a, b, c := m.Face(f)
			pos = appendTriangle(pos, a, b, c)
		}
		if colored {
			if m.Colors != nil {
				colors = append(colors, m.Colors...)
			} else {
				colors = append(colors, make([]Color, m.Faces())...)
			}
		}
		for _, s := range m.Solids {
			solids = append(solids, Solid{Name: s.Name, First: base + s.First, Count: s.Count})
		}
	}
	out := FromTriangles(pos)
	out.Colors, out.Solids = colors, solids
	return out
}

// Paint returns m with every face coloured c (sharing m's geometry).
func (m *Mesh) Paint(c Color) *Mesh {
	out := *m
	out.Colors = make([]Color, m.Faces())
	for i := range out.Colors {
		out.Colors[i] = c
	}
	return &out
}
