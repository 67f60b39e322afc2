package asyncload

import (
	"bytes"
	"math"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/stltest"
)

// TestPreview: a big binary file shows a sample of its faces while it
// decodes, and the mesh takes its place once loaded; small, ASCII and
// gzip files get none.
func TestPreview(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := mesh.Torus(10, 3, 200, 100) // 40,000 faces
	path := stltest.WriteFile(t, dir, "busy.stl", stltest.Encode(t, big, false))
	g := stltest.NewGate("busy.stl")
	l := newLoader(t, Config{Workers: 1, Process: g.Process, Preview: 2000})
	h := queue(t, l, path, Normal, QueueOptions{})
	g.WaitHeld(t, eventually)
	st := h.status()
	p := st.Preview
	if p == nil {
		t.Fatal("no preview while a 40,000-face file loads")
	}
	if p.Faces() < 2000 || p.Faces() > 2100 || p.FacesRead != big.Faces() {
		t.Errorf("preview of %d faces (of %d), want about 2000 of %d", p.Faces(), p.FacesRead, big.Faces())
	}
	for k := range 3 {
		if math.Abs(float64(p.Bounds.Min[k]-big.Bounds.Min[k])) > 1 || math.Abs(float64(p.Bounds.Max[k]-big.Bounds.Max[k])) > 1 {
			t.Errorf("preview bounds %v, want about the part's %v", p.Bounds, big.Bounds)
		}
	}
	g.Release()
	r := wait(t, h)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if h.status().Preview != nil {
		t.Error("the preview outlives the load")
	}

	// No preview for files too small, in ASCII or compressed.
	for name, data := range map[string][]byte{
		"small.stl":  stltest.Encode(t, mesh.Torus(10, 3, 40, 20), false), // 1,600 faces
		"ascii.stl":  stltest.Encode(t, big, true),
		"big.stl.gz": stltest.Gzip(t, stltest.Encode(t, big, false)),
	} {
		if got := previewOf(t, dir, name, data); got != nil {
			t.Errorf("%s: got a preview of %d faces, want none", name, got.Faces())
		}
	}
}

// previewOf loads data as name with previews of 2000 faces and returns
// the preview it showed while held in Process.
func previewOf(t *testing.T, dir, name string, data []byte) *mesh.Mesh {
	path := stltest.WriteFile(t, dir, name, data)
	g := stltest.NewGate(name)
	l := newLoader(t, Config{Workers: 1, Process: g.Process, Preview: 2000})
	h := queue(t, l, path, Normal, QueueOptions{})
	g.WaitHeld(t, eventually)
	p := h.status().Preview
	g.Release()
	wait(t, h)
	return p
}

// TestGrow: a sample's faces grow about their centres, the big ones less.
func TestGrow(t *testing.T) {
	small := []float32{0, 0, 0, 1, 0, 0, 0, 1, 0}
	bigFace := []float32{0, 0, 0, 640, 0, 0, 0, 640, 0}
	m := mesh.FromTriangles(append(append([]float32{}, small...), bigFace...))
	grow(m, 4)
	a, b, c := m.Face(0)
	centre := mgl32.Vec3{1.0 / 3, 1.0 / 3, 0}
	if d := b.Sub(a).Len(); math.Abs(float64(d)-4) > 1e-4 {
		t.Errorf("small face: edge %v, want 4 (grown 4 times)", d)
	}
	if got := a.Add(b).Add(c).Mul(1.0 / 3); got.Sub(centre).Len() > 1e-4 {
		t.Errorf("small face: centre %v, want %v unchanged", got, centre)
	}
	// The big face's longest edge is √2·640, above the limit of a 64th of
	// the diagonal (about 14): it stays as it is.
	a, b, _ = m.Face(1)
	if d := b.Sub(a).Len(); math.Abs(float64(d)-640) > 1e-3 {
		t.Errorf("big face: edge %v, want 640 (not grown)", d)
	}
	// Preview refuses what it cannot sample.
	if p := Preview(bytes.NewReader([]byte("solid x\nendsolid x\n")), 19, 10); p != nil {
		t.Error("a preview of an ASCII file")
	}
}
