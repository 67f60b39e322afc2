package analysis

import (
	"context"
	"fmt"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
)

// Benchmark meshes are generated at run time, once per process: nothing
// big is committed. Benchmarks run one at a time, so the map needs no lock.
var benchMeshes = map[int]*mesh.Mesh{}

// benchTorus returns a welded torus of exactly faces faces: 2·nu·nv for
// the nu and nv listed.
func benchTorus(b *testing.B, faces int) *mesh.Mesh {
	if m, ok := benchMeshes[faces]; ok {
		return m
	}
	var m *mesh.Mesh
	switch faces {
	case 2_000_000:
		m = mesh.Torus(30, 10, 2000, 500)
	case 10_000_000:
		m = mesh.Torus(30, 10, 5000, 1000)
	default:
		b.Fatalf("no torus of %d faces", faces)
	}
	m = m.Indexed()
	benchMeshes[faces] = m
	return m
}

// BenchmarkAnalyze analyses welded tori on two workers, the loader's
// share of a two-core machine; 10M runs unless -short. SetBytes counts 50
// bytes a face, a binary STL record, so MB/s compares with the decoder's
// benchmarks; ns/face is reported too.
func BenchmarkAnalyze(b *testing.B) {
	sizes := []int{2_000_000}
	if !testing.Short() {
		sizes = append(sizes, 10_000_000)
	}
	for _, faces := range sizes {
		b.Run(fmt.Sprintf("%dM", faces/1_000_000), func(b *testing.B) {
			m := benchTorus(b, faces)
			b.SetBytes(int64(faces) * 50)
			b.ReportAllocs()
			for b.Loop() {
				r, err := Analyze(context.Background(), m, Options{Workers: 2})
				if err != nil {
					b.Fatal(err)
				}
				if !r.Watertight || r.Shells != 1 {
					b.Fatalf("got %+v", r)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(faces), "ns/face")
		})
	}
}
