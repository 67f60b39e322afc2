package asyncload

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/mesh"
)

// getMesh calls GetOrQueue until the mesh is cached, and returns it with
// the number of loads it had to wait for.
func getMesh(t *testing.T, c *Cache, source string) (*mesh.Mesh, int) {
	t.Helper()
	for loads := 0; ; loads++ {
		m, h, err := c.GetOrQueue(source, Normal)
		if err != nil {
			t.Fatalf("GetOrQueue(%s): %v", source, err)
		}
		if m != nil {
			return m, loads
		}
		if r := wait(t, h); r.State != Completed {
			t.Fatalf("%s: got %v (%v), want completed", source, r.State, r.Err)
		}
		if loads > 3 {
			t.Fatalf("%s: never cached", source)
		}
	}
}

func TestCacheEviction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paths := map[string]string{}
	for _, name := range []string{"a", "b", "c"} {
		paths[name] = stltest.WriteTorus(t, dir, name+".stl", 4) // 64 faces each
	}
	size := mesh.Torus(2, 0.5, 8, 4).SizeBytes() // what one decoded torus weighs
	l := newLoader(t, Config{Workers: 2})
	c := NewCache(l, 2*size+size/2) // room for two

	tests := []struct {
		get        string
		wantLoads  int
		wantLoaded string // which of a, b, c are cached afterwards
	}{
		{"a", 1, "a"},
		{"b", 1, "ab"},
		{"a", 0, "ab"}, // a hit: a becomes the most recent
		{"c", 1, "ac"}, // b, least recently used, is evicted
		{"b", 1, "bc"}, // loaded again; a is evicted
		{"c", 0, "bc"},
	}
	for i, tt := range tests {
		_, loads := getMesh(t, c, paths[tt.get])
		if loads != tt.wantLoads {
			t.Errorf("step %d, get %s: got %d loads, want %d", i, tt.get, loads, tt.wantLoads)
		}
		got := ""
		for _, name := range []string{"a", "b", "c"} {
			if c.IsLoaded(paths[name]) {
				got += name
			}
		}
		if got != tt.wantLoaded {
			t.Errorf("step %d, get %s: cached %q, want %q", i, tt.get, got, tt.wantLoaded)
		}
	}
	s := c.Stats()
	if s.Entries != 2 || s.Bytes != 2*size || s.Evictions != 2 || s.Hits != 6 || s.Misses != 4 {
		t.Errorf("Stats: got %+v; want 2 entries of %d bytes, 2 evictions, 6 hits (one after each load), 4 misses", s, 2*size)
	}

	t.Run("one mesh over the budget stays", func(t *testing.T) {
		c := NewCache(l, 1)
		getMesh(t, c, paths["a"])
		if !c.IsLoaded(paths["a"]) {
			t.Error("the only mesh was evicted, want it kept")
		}
	})
}

func TestCacheStale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
	}{
		{"size changed", func(t *testing.T, path string) {
			stltest.WriteFile(t, filepath.Dir(path), filepath.Base(path), stltest.Encode(t, mesh.Torus(2, 0.5, 8, 5), false))
		}},
		{"modification time changed", func(t *testing.T, path string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := stltest.WriteTorus(t, t.TempDir(), "a.stl", 4)
			l := newLoader(t, Config{Workers: 1})
			c := NewCache(l, 1<<30)
			m1, _ := getMesh(t, c, path)
			if m, _, _ := c.GetOrQueue(path, Normal); m != m1 {
				t.Fatal("an unchanged file was not served from the cache")
			}
			tt.change(t, path)
			m2, loads := getMesh(t, c, path)
			if loads != 1 || m2 == m1 {
				t.Errorf("after the change: got %d loads, same mesh %v; want 1 load, a new mesh", loads, m2 == m1)
			}
			if s := c.Stats(); s.Stale != 1 || s.Entries != 1 {
				t.Errorf("Stats: got %d stale, %d entries; want 1, 1", s.Stale, s.Entries)
			}
		})
	}
}

func TestCacheLoading(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := stltest.NewGate("busy.stl")
	l := newLoader(t, Config{Workers: 1, Process: g.Process})
	c := NewCache(l, 1<<30)
	if got := c.LoadingProgress(); got != 1 {
		t.Errorf("idle LoadingProgress: got %v, want 1", got)
	}
	busy := stltest.WriteTorus(t, dir, "busy.stl", 4)
	other := stltest.WriteTorus(t, dir, "other.stl", 4)
	_, h, err := c.GetOrQueue(busy, Normal)
	if err != nil {
		t.Fatal(err)
	}
	g.WaitHeld(t, eventually) // busy is read entirely, then held in Process
	_, h2, err := c.GetOrQueue(other, Low)
	if err != nil {
		t.Fatal(err)
	}
	if _, h3, _ := c.GetOrQueue(other, High); h3 != h2 {
		t.Error("a second GetOrQueue of a loading file: got a new handle, want the pending one")
	}
	if !c.IsLoading(busy) || !c.IsLoading(other) || c.IsLoaded(busy) {
		t.Error("IsLoading, IsLoaded: want both loading, none loaded")
	}
	if got := c.LoadingProgress(); got != 0.5 { // busy read, other not started: equal sizes
		t.Errorf("LoadingProgress: got %v, want 0.5", got)
	}
	g.Release()
	wait(t, h)
	wait(t, h2)
	if !c.IsLoaded(busy) || !c.IsLoaded(other) || c.IsLoading(busy) {
		t.Error("IsLoading, IsLoaded: want both loaded, none loading")
	}
	if got := c.LoadingProgress(); got != 1 {
		t.Errorf("LoadingProgress when done: got %v, want 1", got)
	}

	if _, _, err := c.GetOrQueue(dir, Normal); !errors.Is(err, ErrInvalid) {
		t.Errorf("GetOrQueue(folder): got %v, want ErrInvalid", err)
	}
	if _, _, err := c.GetOrQueue(filepath.Join(dir, "missing.stl"), Normal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("GetOrQueue(missing): got %v, want os.ErrNotExist", err)
	}
}

// TestCachePutGet keeps loads made on the Loader directly (a folder's
// files) in the cache, within its budget.
func TestCachePutGet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"a", "b", "c"} {
		stltest.WriteTorus(t, dir, name+".stl", 4)
	}
	size := mesh.Torus(2, 0.5, 8, 4).SizeBytes()
	l := newLoader(t, Config{Workers: 2})
	c := NewCache(l, 2*size+size/2) // room for two
	folder, err := l.Queue(dir, Normal, QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := wait(t, folder)
	if len(r.Children) != 3 {
		t.Fatalf("got %d files, want 3", len(r.Children))
	}
	for _, h := range r.Children {
		c.Put(wait(t, h))
	}
	if c.Put(Result{State: Failed, Source: filepath.Join(dir, "x.stl")}); c.Stats().Entries != 2 {
		t.Errorf("got %d entries, want 2 (three put, one evicted, the failure ignored)", c.Stats().Entries)
	}
	for _, tt := range []struct {
		name string
		want bool
	}{{"a.stl", false}, {"b.stl", true}, {"c.stl", true}, {"x.stl", false}} {
		m, ok := c.Get(filepath.Join(dir, tt.name))
		if ok != tt.want || (m != nil) != tt.want {
			t.Errorf("Get(%s): got %v, %v; want cached %v", tt.name, m != nil, ok, tt.want)
		}
	}
	// A Put mesh is fresh for GetOrQueue: no load.
	if m, h, err := c.GetOrQueue(filepath.Join(dir, "c.stl"), Normal); err != nil || m == nil || h != nil {
		t.Errorf("GetOrQueue after Put: got %v, %v, %v; want the cached mesh", m != nil, h, err)
	}
}
