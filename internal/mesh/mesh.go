// Package mesh decodes STL files into compact triangle meshes.
//
// It reads every STL variant real files use (binary, ASCII, gzip-compressed),
// recomputes face normals, drops faces with non-finite coordinates and builds
// an indexed form for drawing. The decoder streams its input (never holding
// a file's bytes whole), reserves what it allocates through a Budget, and
// can weld the indexed form while it reads. It imports no graphics package,
// so its tests run without a display.
package mesh

import (
	"github.com/go-gl/mathgl/mgl32"
)

// Format is the encoding of an STL file.
type Format uint8

const (
	// Binary is the 80-byte header, uint32 count, 50-byte record format.
	Binary Format = iota + 1
	// ASCII is the "solid ... facet normal ... endsolid" text format.
	ASCII
)

// String returns "binary" or "ascii".
func (f Format) String() string {
	switch f {
	case Binary:
		return "binary"
	case ASCII:
		return "ascii"
	}
	return "unknown"
}

// Color is an 8-bit RGBA colour. A face colour with A == 0 means the face has
// no colour of its own and is drawn in the viewer's default colour.
type Color struct{ R, G, B, A uint8 }

// Box is an axis-aligned bounding box. The zero Box is empty only by
// convention: use EmptyBox to start a union.
type Box struct{ Min, Max mgl32.Vec3 }

// EmptyBox returns a box that contains nothing; Extend grows it.
func EmptyBox() Box {
	inf := float32(3.4028235e38)
	return Box{Min: mgl32.Vec3{inf, inf, inf}, Max: mgl32.Vec3{-inf, -inf, -inf}}
}

// IsEmpty reports whether b contains no point.
func (b Box) IsEmpty() bool { return b.Min[0] > b.Max[0] }

// Extend returns the smallest box that holds b and p.
func (b Box) Extend(p mgl32.Vec3) Box {
	for i := range 3 {
		b.Min[i] = min(b.Min[i], p[i])
		b.Max[i] = max(b.Max[i], p[i])
	}
	return b
}

// Union returns the smallest box that holds b and o.
func (b Box) Union(o Box) Box {
	if o.IsEmpty() {
		return b
	}
	return b.Extend(o.Min).Extend(o.Max)
}

// Size returns the box's extent along each axis, or zero for an empty box.
func (b Box) Size() mgl32.Vec3 {
	if b.IsEmpty() {
		return mgl32.Vec3{}
	}
	return b.Max.Sub(b.Min)
}

// Center returns the middle of the box, or the origin for an empty box.
func (b Box) Center() mgl32.Vec3 {
	if b.IsEmpty() {
		return mgl32.Vec3{}
	}
	return b.Min.Add(b.Max).Mul(0.5)
}

// Radius returns half the box's diagonal: the radius of a sphere around
// Center that holds the box.
func (b Box) Radius() float32 { return b.Size().Len() / 2 }

// Solid is a named run of faces. ASCII files may hold several "solid"
// blocks; a binary file is one unnamed solid.
type Solid struct {
	Name  string
	First int // index of the solid's first face
	Count int // number of faces
}

// Mesh is a decoded triangle mesh. Fields are read-only once a decoder or
// Indexed returns the mesh: any number of goroutines may read it.
type Mesh struct {
	// Positions holds x, y, z float32 triples. When Indices is nil the mesh is
	// a triangle soup: face i uses vertices 3i, 3i+1 and 3i+2.
	Positions []float32
	// Indices holds three vertex numbers per face, or is nil for a soup.
	Indices []uint32
	// Normals holds one unit normal (x, y, z) per face, recomputed from the
	// vertices in counter-clockwise order. Degenerate faces have 0, 0, 0.
	Normals []float32
	// Colors holds one colour per face, or is nil when no face has one.
	Colors []Color
	// Bounds holds every kept vertex; it is empty when the mesh has no face.
	Bounds Box
	// Solids partitions the faces into the file's solids, in file order.
	Solids []Solid

	Format     Format
	Compressed bool   // the file was gzip-compressed
	Header     string // a binary file's header, printable characters only

	FacesRead  int // faces in the file, kept or not
	Dropped    int // faces dropped for a NaN or infinite coordinate
	Degenerate int // kept faces with zero area
}

// Faces returns the number of faces kept.
func (m *Mesh) Faces() int { return len(m.Normals) / 3 }

// Vertices returns the number of stored vertices: three per face for a
// soup, the unique vertices for an indexed mesh.
func (m *Mesh) Vertices() int { return len(m.Positions) / 3 }

// Corner returns the vertex number of corner c (0, 1 or 2) of face f.
func (m *Mesh) Corner(f, c int) int {
	if m.Indices == nil {
		return 3*f + c
	}
	return int(m.Indices[3*f+c])
}

// Vertex returns the position of vertex v.
func (m *Mesh) Vertex(v int) mgl32.Vec3 {
	p := m.Positions[3*v : 3*v+3 : 3*v+3]
	return mgl32.Vec3{p[0], p[1], p[2]}
}

// Face returns the three corners of face f.
func (m *Mesh) Face(f int) (a, b, c mgl32.Vec3) {
	return m.Vertex(m.Corner(f, 0)), m.Vertex(m.Corner(f, 1)), m.Vertex(m.Corner(f, 2))
}

// Normal returns the unit normal of face f.
func (m *Mesh) Normal(f int) mgl32.Vec3 {
	n := m.Normals[3*f : 3*f+3 : 3*f+3]
	return mgl32.Vec3{n[0], n[1], n[2]}
}

// SizeBytes returns the memory the mesh's slices hold, for caches that
// budget by bytes.
func (m *Mesh) SizeBytes() int64 {
	n := 4*cap(m.Positions) + 4*cap(m.Indices) + 4*cap(m.Normals) + 4*cap(m.Colors)
	for _, s := range m.Solids {
		n += len(s.Name) + 32
	}
	return int64(n + len(m.Header) + 200)
}
