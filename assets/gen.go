//go:build ignore

// gen writes the sample parts of this folder: go generate ./assets.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"log"
	"math"
	"os"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/stlview/stlview/internal/mesh"
)

func main() {
	samples := []struct {
		name  string
		mesh  *mesh.Mesh
		write func(*bytes.Buffer, *mesh.Mesh) error
	}{
		{"gear.stl", gear(24, 20, 23, 6), ascii},
		{"rings.stl", rings(), binary(mesh.NoColors)},
		{"color_cube.stl", colorCube(), binary(mesh.VisCAM)},
		{"spring.stl", spring(), binary(mesh.NoColors)},
		{"bracket.stl.gz", bracket(), gzipped(binary(mesh.NoColors))},
		{"sphere.stl", mesh.Sphere(15, 48, 24), binary(mesh.NoColors)},
	}
	for _, s := range samples {
		var b bytes.Buffer
		if err := s.write(&b, s.mesh); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(s.name, b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func binary(c mesh.ColorConvention) func(*bytes.Buffer, *mesh.Mesh) error {
	return func(b *bytes.Buffer, m *mesh.Mesh) error {
		return mesh.EncodeBinary(b, m, mesh.BinaryOptions{Header: "stlview sample", Colors: c})
	}
}

func ascii(b *bytes.Buffer, m *mesh.Mesh) error { return mesh.EncodeASCII(b, m) }

func gzipped(w func(*bytes.Buffer, *mesh.Mesh) error) func(*bytes.Buffer, *mesh.Mesh) error {
	return func(b *bytes.Buffer, m *mesh.Mesh) error {
		var raw bytes.Buffer
		if err := w(&raw, m); err != nil {
			return err
		}
		zw := gzip.NewWriter(b)
		_, err := zw.Write(raw.Bytes())
		return errors.Join(err, zw.Close())
	}
}

// gear extrudes a toothed outline of the given radii (root, tip) to height h.
func gear(teeth int, root, tip, h float32) *mesh.Mesh {
	var outline []mgl32.Vec2
	for i := range teeth {
		for k, r := range []float32{root, tip, tip, root} {
			a := 2 * math.Pi * (float64(i) + []float64{0, 0.3, 0.5, 0.8}[k]) / float64(teeth)
			outline = append(outline, mgl32.Vec2{r * float32(math.Cos(a)), r * float32(math.Sin(a))})
		}
	}
	wheel := extrude(outline, h)
	hub := mesh.Cylinder(6, h+4, 32).Transform(mgl32.Translate3D(0, 0, -2))
	wheel.Solids[0].Name, hub.Solids[0].Name = "wheel", "hub"
	return mesh.Merge(wheel, hub)
}

// extrude makes a prism from an outline (counter-clockwise) that is
// star-shaped around the origin.
func extrude(outline []mgl32.Vec2, h float32) *mesh.Mesh {
	var pos []float32
	tri := func(a, b, c mgl32.Vec3) { pos = append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]) }
	for i := range outline {
		p, q := outline[i], outline[(i+1)%len(outline)]
		p0, q0 := mgl32.Vec3{p[0], p[1], 0}, mgl32.Vec3{q[0], q[1], 0}
		p1, q1 := mgl32.Vec3{p[0], p[1], h}, mgl32.Vec3{q[0], q[1], h}
		tri(p0, q0, q1)
		tri(p0, q1, p1)
		tri(mgl32.Vec3{0, 0, h}, p1, q1)
		tri(mgl32.Vec3{0, 0, 0}, q0, p0)
	}
	return mesh.FromTriangles(pos)
}

// rings are two interlocking tori.
func rings() *mesh.Mesh {
	a := mesh.Torus(12, 3, 48, 16)
	b := mesh.Torus(12, 3, 48, 16).Transform(mgl32.Translate3D(12, 0, 0).Mul4(mgl32.HomogRotate3DX(math.Pi / 2)))
	return mesh.Merge(a, b)
}

// colorCube is a cube with a different colour on each side.
func colorCube() *mesh.Mesh {
	m := mesh.Cuboid(mgl32.Vec3{-10, -10, -10}, mgl32.Vec3{10, 10, 10})
	sides := []mesh.Color{{220, 40, 40, 255}, {250, 200, 40, 255}, {40, 170, 70, 255},
		{40, 90, 220, 255}, {240, 120, 20, 255}, {240, 240, 240, 255}}
	m.Colors = make([]mesh.Color, m.Faces())
	for f := range m.Colors {
		m.Colors[f] = sides[f/2]
	}
	return m
}

// spring sweeps a circle along a helix.
func spring() *mesh.Mesh {
	const turns, R, r, pitch = 5, 10, 1.6, 6
	const nu, nv = 200, 12
	var pos []float32
	at := func(i, j int) mgl32.Vec3 {
		t := 2 * math.Pi * turns * float64(i) / nu
		v := 2 * math.Pi * float64(j%nv) / nv
		ring := R + r*math.Cos(v)
		return mgl32.Vec3{float32(ring * math.Cos(t)), float32(ring * math.Sin(t)), float32(pitch*t/(2*math.Pi) + r*math.Sin(v))}
	}
	for i := range nu {
		for j := range nv {
			a, b, c, d := at(i, j), at(i+1, j), at(i+1, j+1), at(i, j+1)
			pos = append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2])
			pos = append(pos, a[0], a[1], a[2], c[0], c[1], c[2], d[0], d[1], d[2])
		}
	}
	return mesh.FromTriangles(pos)
}

// bracket is an L-bracket of two plates with bolts through them: the parts
// interpenetrate, which a painter's sort draws wrong.
func bracket() *mesh.Mesh {
	base := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{40, 20, 4})
	wall := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{4, 20, 30})
	parts := []*mesh.Mesh{base, wall}
	for _, x := range []float32{14, 30} {
		parts = append(parts, mesh.Cylinder(2.5, 10, 24).Transform(mgl32.Translate3D(x, 10, -3)))
	}
	for _, z := range []float32{12, 24} {
		parts = append(parts, mesh.Cylinder(2.5, 10, 24).Transform(mgl32.Translate3D(-3, 10, z).Mul4(mgl32.HomogRotate3DY(math.Pi/2))))
	}
	return mesh.Merge(parts...)
}
