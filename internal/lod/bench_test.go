package lod

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/shapes"
)

var knots sync.Map // faces -> *mesh.Mesh, indexed

func knot(faces int) *mesh.Mesh {
	if m, ok := knots.Load(faces); ok {
		return m.(*mesh.Mesh)
	}
	m := shapes.Knot(faces).Indexed()
	knots.Store(faces, m)
	return m
}

// BenchmarkBuild builds the whole chain of levels of a torus knot of 2M and
// 10M faces: the time a loader's worker spends simplifying after welding.
func BenchmarkBuild(b *testing.B) {
	for _, faces := range []int{2_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("knot%dM", faces/1_000_000), func(b *testing.B) {
			m := knot(faces)
			b.SetBytes(int64(50 * m.Faces())) // per byte of binary STL
			b.ReportAllocs()
			var levels []*mesh.Mesh
			for b.Loop() {
				var err error
				if levels, err = Build(context.Background(), m, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(levels[0].Faces()), "faces/level0")
			b.ReportMetric(float64(len(levels)), "levels")
		})
	}
}

// BenchmarkCluster makes only the finest level of the 10M knot.
func BenchmarkCluster(b *testing.B) {
	m := knot(10_000_000)
	h := cellSizeFor(m, DefaultMaxFaces)
	b.SetBytes(int64(50 * m.Faces()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Cluster(context.Background(), m, h, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// firstUse renumbers m's vertices in order of first use by its faces.
func firstUse(m *mesh.Mesh) *mesh.Mesh {
	out := *m
	newID := make([]int32, m.Vertices())
	for i := range newID {
		newID[i] = -1
	}
	out.Indices = make([]uint32, len(m.Indices))
	out.Positions = make([]float32, len(m.Positions))
	n := int32(0)
	for i, v := range m.Indices {
		if newID[v] < 0 {
			newID[v] = n
			copy(out.Positions[3*n:3*n+3], m.Positions[3*v:3*v+3])
			n++
		}
		out.Indices[i] = uint32(newID[v])
	}
	return &out
}

func BenchmarkBuildFirstUse(b *testing.B) {
	m := firstUse(knot(10_000_000))
	b.SetBytes(int64(50 * m.Faces()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), m, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
