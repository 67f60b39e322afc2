package analysis

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
)

// fuzzMesh turns data into an indexed mesh: data[0] is the vertex count,
// then three bytes a vertex give its coordinates and every byte after
// that is an index, perhaps beyond the vertices.
func fuzzMesh(data []byte) *mesh.Mesh {
	m := &mesh.Mesh{Bounds: mesh.EmptyBox(), Indices: []uint32{}}
	if len(data) == 0 {
		return m
	}
	n := int(data[0])
	data = data[1:]
	for v := 0; v < n && len(data) >= 3; v++ {
		p := [3]float32{float32(data[0]), float32(data[1]), float32(data[2])}
		m.Positions = append(m.Positions, p[0], p[1], p[2])
		m.Bounds = m.Bounds.Extend(p)
		data = data[3:]
	}
	for _, b := range data {
		m.Indices = append(m.Indices, uint32(b))
	}
	return m
}

// fuzzSeed is the inverse of fuzzMesh for a mesh of up to 255 vertices,
// whatever their positions.
func fuzzSeed(m *mesh.Mesh) []byte {
	data := []byte{byte(m.Vertices())}
	for v := range m.Vertices() {
		data = append(data, byte(v), byte(3*v), byte(7*v))
	}
	for _, i := range m.Indices {
		data = append(data, byte(i))
	}
	return data
}

// FuzzAnalyze checks that no mesh makes Analyze panic, that its only
// errors are ErrInvalid, and that its topology agrees with reference.
func FuzzAnalyze(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.stl"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		m, err := mesh.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if x := m.Indexed(); x.Vertices() < 256 {
			f.Add(fuzzSeed(x))
		}
	}
	f.Add([]byte{3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 0, 2, 1, 0, 1, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := fuzzMesh(data)
		r, err := Analyze(context.Background(), m, Options{MaxProblemEdges: 5})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want nil or an error wrapping ErrInvalid", err)
			}
			return
		}
		checkTopology(t, m, r)
		r2, err := Analyze(context.Background(), m, Options{Workers: 3, MaxProblemEdges: 5})
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("3 workers: got %+v, %v, want %+v", r2, err, r)
		}
	})
}
