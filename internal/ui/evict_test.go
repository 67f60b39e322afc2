package ui

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/stltest"
)

// forgetRecorder is a renderer that records what it is told to forget.
type forgetRecorder struct {
	render.Renderer
	forgot []*mesh.Mesh
}

func (f *forgetRecorder) Forget(m *mesh.Mesh) {
	f.forgot = append(f.forgot, m)
	f.Renderer.Forget(m)
}

// TestGameLetsGoOfEvicted: when the Store evicts a mesh, the renderer (of
// either backend) forgets it and its levels, and nothing in the Game, the
// Library or the Loader keeps it: the garbage collector takes it. Work
// still queued for it (its analysis) is cancelled.
func TestGameLetsGoOfEvicted(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    func() render.Renderer
	}{
		{"cpu", func() render.Renderer { return render.NewCPU() }},
		{"gpu", func() render.Renderer { return render.NewGPU() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			dir := t.TempDir()
			path := stltest.WriteTorus(t, dir, "a.stl", 40)
			m, err := mesh.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			size := m.Indexed().SizeBytes()
			l, store := newStoreLoader(t, asyncload.Config{Workers: 1}, 1<<20+4*size)
			rec := &forgetRecorder{Renderer: tt.r()}
			t.Cleanup(rec.Dispose)
			levels := func(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error) {
				return []*mesh.Mesh{m.Indexed()}, nil // a stand-in level: a mesh of its own
			}
			g := newGame(t, Options{Loader: l, Store: store, Renderer: rec, Levels: levels}, asyncload.Config{})
			if err := g.Add(path, asyncload.High); err != nil {
				t.Fatal(err)
			}
			waitGame(t, g)
			e := entry(t, g.lib, "a.stl")
			se := e.Stored()
			// The levels and the analysis are asked for once the loads
			// settle and made on the workers; until the analysis is in,
			// its work holds a reservation that nothing can evict.
			deadline := time.Now().Add(eventually)
			for g.poll(time.Now()); se.Derived(kindLevels) == nil || se.Derived(kindAnalysis) == nil; g.poll(time.Now()) {
				if time.Now().After(deadline) {
					t.Fatal("timed out waiting for the levels and the analysis")
				}
				time.Sleep(time.Millisecond)
			}
			waitJobs(t, g)
			full, level := se.Mesh, e.Levels()[0]
			wFull, wLevel := weak.Make(full), weak.Make(level)
			full, level, se = nil, nil, nil

			// Take the whole budget: the Store evicts a.stl.
			if err := store.Budget().Reserve(context.Background(), store.Budget().Limit()); err != nil {
				t.Fatal(err)
			}
			defer store.Budget().Release(store.Budget().Limit())
			g.poll(time.Now())
			if e.Mesh() != nil {
				t.Fatal("the mesh is still the entry's after eviction")
			}
			if !slices.Contains(rec.forgot, wFull.Value()) || !slices.Contains(rec.forgot, wLevel.Value()) {
				t.Errorf("the renderer forgot %d meshes, want the mesh and its level", len(rec.forgot))
			}
			rec.forgot = nil
			// Nothing keeps them now.
			for range 5 {
				runtime.GC()
				if wFull.Value() == nil && wLevel.Value() == nil {
					break
				}
				g.poll(time.Now()) // let cancelled work settle
				time.Sleep(10 * time.Millisecond)
			}
			if wFull.Value() != nil || wLevel.Value() != nil {
				t.Errorf("after eviction the mesh (%v) or its level (%v) is still in memory", wFull.Value() != nil, wLevel.Value() != nil)
			}
		})
	}
}
