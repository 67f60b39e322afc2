package mesh

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIndexed welds meshes whose vertex counts are known.
func TestIndexed(t *testing.T) {
	tests := []struct {
		name     string
		mesh     *Mesh
		vertices int
	}{
		{"empty", FromTriangles(nil), 0},
		{"cube", testCube(), 8},
		{"torus", Torus(3, 1, 40, 20), 40 * 20},
		{"sphere", Sphere(1, 32, 16), 32*15 + 2},
		// Big enough for several shards and workers: 600,000 corners.
		{"big torus", Torus(3, 1, 500, 200), 500 * 200},
		{"soup of distinct corners", randomSoup(30000), 90000},
		{"signed zeros", FromTriangles([]float32{0, 0, 0, 1, 0, 0, 0, 1, 0, -0, -0, -0, 0, 1, 0, 1, 0, 0}), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, workers := range []int{1, 2, 5} {
				x := tt.mesh.IndexedWorkers(workers)
				if x.Vertices() != tt.vertices {
					t.Fatalf("workers=%d: got %d vertices, want %d", workers, x.Vertices(), tt.vertices)
				}
				if len(x.Indices) != 3*tt.mesh.Faces() || x.Indices == nil {
					t.Fatalf("workers=%d: got %d indices, want %d", workers, len(x.Indices), 3*tt.mesh.Faces())
				}
				for f := range tt.mesh.Faces() {
					a, b, c := tt.mesh.Face(f)
					p, q, r := x.Face(f)
					if a != p || b != q || c != r {
						t.Fatalf("workers=%d: face %d is %v %v %v, want %v %v %v", workers, f, p, q, r, a, b, c)
					}
				}
				if x.Indexed() != x {
					t.Error("Indexed of an indexed mesh is not the mesh itself")
				}
			}
		})
	}
}

// randomSoup returns faces with random, all distinct corners.
func randomSoup(faces int) *Mesh {
	rng := rand.New(rand.NewPCG(3, 4))
	pos := make([]float32, 9*faces)
	for i := range pos {
		pos[i] = rng.Float32()*100 - 50
	}
	return FromTriangles(pos)
}

// TestDropFaces removes faces and keeps solids and colours aligned.
func TestDropFaces(t *testing.T) {
	tests := []struct {
		dropped []int
		want    string // solids after
	}{
		{nil, "[{a 0 3} {b 3 4} {c 7 0} {d 7 3}]"},
		{[]int{0}, "[{a 0 2} {b 2 4} {c 6 0} {d 6 3}]"},
		{[]int{9, 3, 4}, "[{a 0 3} {b 3 2} {c 5 0} {d 5 2}]"},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "[{a 0 0} {b 0 0} {c 0 0} {d 0 0}]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.dropped), func(t *testing.T) {
			m := randomSoup(10)
			m.Solids = []Solid{{"a", 0, 3}, {"b", 3, 4}, {"c", 7, 0}, {"d", 7, 3}}
			m.Colors = make([]Color, 10)
			for f := range m.Colors {
				m.Colors[f].R = uint8(f)
			}
			orig := *m
			orig.Positions = append([]float32(nil), m.Positions...)
			dropFaces(m, append([]int(nil), tt.dropped...))
			if got := fmt.Sprint(m.Solids); got != tt.want {
				t.Errorf("got solids %s, want %s", got, tt.want)
			}
			if m.Faces() != 10-len(tt.dropped) || m.Dropped != len(tt.dropped) || len(m.Colors) != m.Faces() {
				t.Fatalf("got %d faces, %d dropped, %d colours", m.Faces(), m.Dropped, len(m.Colors))
			}
			f := 0
			for g := range 10 {
				if contains(tt.dropped, g) {
					continue
				}
				a, _, _ := m.Face(f)
				x, _, _ := orig.Face(g)
				if a != x || m.Colors[f].R != uint8(g) {
					t.Errorf("face %d is not original face %d", f, g)
				}
				f++
			}
		})
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
