package shapes

import (
	"math"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
)

// closed reports whether every edge of the indexed mesh m is used exactly
// twice, once in each direction, and returns its signed volume.
func closed(t *testing.T, m *mesh.Mesh) float64 {
	t.Helper()
	type edge struct{ a, b uint32 }
	uses := map[edge]int{}
	vol := 0.0
	for f := range m.Faces() {
		idx := m.Indices[3*f : 3*f+3]
		for k := range 3 {
			uses[edge{idx[k], idx[(k+1)%3]}]++
		}
		a, b, c := m.Face(f)
		vol += float64(a.Dot(b.Cross(c))) / 6
	}
	for e, n := range uses {
		if n != 1 || uses[edge{e.b, e.a}] != 1 {
			t.Fatalf("edge %v used %d times, reverse %d times: not closed", e, n, uses[edge{e.b, e.a}])
		}
	}
	return vol
}

func TestKnot(t *testing.T) {
	m := Knot(20_000)
	if n := m.Faces(); n < 19_000 || n > 21_000 {
		t.Errorf("got %d faces, want about 20000", n)
	}
	if m.Degenerate > 0 || m.Dropped > 0 {
		t.Errorf("%d degenerate, %d dropped faces", m.Degenerate, m.Dropped)
	}
	if v := closed(t, m.Indexed()); !(v > 0) {
		t.Errorf("signed volume %v, want positive (wound outward)", v)
	}
}

func TestBlock(t *testing.T) {
	for _, k := range []int{1, 2} {
		m := blockAt(k)
		if k == 1 && m.Faces() != blockFacesAtUnit {
			t.Errorf("k=1: %d faces, want blockFacesAtUnit = %d", m.Faces(), blockFacesAtUnit)
		}
		if k == 2 && m.Faces() != 4*blockFacesAtUnit {
			t.Errorf("k=2: %d faces, want %d", m.Faces(), 4*blockFacesAtUnit)
		}
		// The solid: 40·24·20 less the L's cut, the step, the hole and
		// the window, in unit cells; rotation keeps volume.
		want := float64(40*24*20 - 28*24*14 - 14*16*3 - 6*8*3 - 6*12*8)
		if v := closed(t, m.Indexed()); math.Abs(v-want) > 1e-3*want {
			t.Errorf("k=%d: volume %v, want %v", k, v, want)
		}
	}
}
