package analysis

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
)

// Benchmark meshes are generated at run time, once per process: nothing
// big is committed.
var benchMeshes sync.Map // faces -> *mesh.Mesh

// benchTorus returns a welded torus of exactly faces faces (2·nu·nv with
// nu = 5nv/… as listed).
func benchTorus(b *testing.B, faces int) *mesh.Mesh {
	if m, ok := benchMeshes.Load(faces); ok {
		return m.(*mesh.Mesh)
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
	benchMeshes.Store(faces, m)
	return m
}

// BenchmarkAnalyze analyses welded tori on two workers, the loader's
// share of a two-core machine. SetBytes counts 50 bytes a face, a binary
// STL record, so MB/s compares with the decoder's benchmarks; ns/face is
// reported too.
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
			b.ResetTimer()
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
