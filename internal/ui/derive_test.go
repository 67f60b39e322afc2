package ui

import (
	"testing"
	"time"

	"github.com/stlview/stlview/internal/edges"
)

// TestLooksDerived turns smooth shading and feature edges on: each is
// made once on the workers, kept in the Store within its budget, handed to
// the focused view and the gallery's cells, and let go when turned off.
func TestLooksDerived(t *testing.T) {
	checkLeaks(t)
	g := newTestGame(t, "a.stl", "b.stl")
	e := entry(t, g.lib, "a.stl")
	se := e.Stored()
	store := g.opt.Store
	// Every entry's analysis in: the Store's count holds still after.
	waitJobs(t, g)
	if se.Derived(kindAnalysis) == nil {
		t.Fatal("no analysis of a.stl after its job returned")
	}
	before := store.Stats().Bytes

	g.apply(Command{Action: ActSmooth})
	g.apply(Command{Action: ActEdges})
	if !g.smooth || !g.edges {
		t.Fatalf("smooth %v, edges %v: want both on", g.smooth, g.edges)
	}
	// Nothing yet: the first ask starts the work and the entry is drawn
	// as it was meanwhile.
	if g.smoothOf(e) != nil || g.featureLines(e) != nil {
		t.Fatal("derived data at once: want it made on the workers")
	}
	deadline := time.Now().Add(eventually)
	for se.Derived(g.smoothKind()) == nil || se.Derived(g.edgesKind()) == nil {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the normals and edges")
		}
		time.Sleep(time.Millisecond)
	}
	seen := g.derivedSeen
	g.poll(time.Now())
	if g.derivedSeen == seen {
		t.Error("poll did not notice the new derived data (the pictures would not be redrawn)")
	}
	ns := g.smoothOf(e)
	if len(ns[e.Mesh()]) != 3*e.Mesh().Faces() {
		t.Fatalf("got normals for %d corners, want %d", len(ns[e.Mesh()]), 3*e.Mesh().Faces())
	}
	for _, lv := range e.Levels() {
		if len(ns[lv]) != 3*lv.Faces() {
			t.Errorf("level of %d faces: %d normals", lv.Faces(), len(ns[lv]))
		}
	}
	// The test's torus is coarse: its rings meet at sharp angles, and
	// none of its edges is open.
	lines := g.featureLines(e)
	if len(lines) == 0 {
		t.Error("no feature lines on a coarse torus")
	}
	for _, l := range lines {
		if l.Color != edges.SharpColor {
			t.Fatalf("a closed torus has an open edge: %+v", l)
		}
	}
	if got := store.Stats().Bytes - before; got < 4*3*int64(e.Mesh().Faces()) {
		t.Errorf("the Store counts %d more bytes, want at least the normals'", got)
	}
	// Both views carry them.
	g.setFocus(e)
	sv := g.sceneView()
	if it := sv.Items[0]; it.CornerNormals(it.Mesh) == nil {
		t.Error("the focused view shades flat")
	}
	g.setFocus(nil)
	if cv := g.cellView(0, e, e.Mesh()); cv.Items[0].Smooth == nil {
		t.Error("the gallery cell shades flat")
	}
	// Off: the memory goes back.
	g.apply(Command{Action: ActSmooth})
	g.apply(Command{Action: ActEdges})
	if se.Derived(g.smoothKind()) != nil || se.Derived(g.edgesKind()) != nil {
		t.Error("turned off, the derived data is still stored")
	}
	if got := store.Stats().Bytes; got != before {
		t.Errorf("the Store counts %d bytes, want %d as before", got, before)
	}
	if g.smoothOf(e) != nil {
		t.Error("smooth is off but normals are handed out")
	}
	if got := g.overlayLines(e, e.Bounds); got != nil {
		t.Errorf("overlay lines with every overlay off: %d", len(got))
	}
	g.apply(Command{Action: ActGrid})
	g.apply(Command{Action: ActAxes})
	if got := g.overlayLines(e, e.Bounds); len(got) < 4 {
		t.Errorf("grid and axes: got %d lines, want a grid and three axes", len(got))
	}
}
