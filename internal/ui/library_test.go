package ui

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"go.uber.org/goleak"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
)

// eventually is how long a test waits for something that should happen
// soon: generous, since tests check behaviour, not speed.
const eventually = 10 * time.Second

// checkLeaks fails the test if goroutines started during it outlive it:
// every loader it made must be closed. Call it first, so its check runs
// after the other cleanups.
func checkLeaks(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// truncated is a binary STL file that announces 10 faces and holds none.
var truncated = append(make([]byte, 80), 10, 0, 0, 0)

// newLoader returns a loader of indexed meshes that is closed when the
// test ends.
func newLoader(t *testing.T, cfg asyncload.Config) *asyncload.Loader {
	t.Helper()
	cfg.Indexed = true
	l, err := asyncload.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

// add adds source to lib or fails the test.
func add(t *testing.T, lib *Library, source string, p asyncload.Priority) {
	t.Helper()
	if _, _, err := lib.Add(source, p); err != nil {
		t.Fatalf("Add(%q): %v", source, err)
	}
}

// pollUntil polls lib, as the game does every frame, until done holds,
// and returns every entry Poll reported changed, in order.
func pollUntil(t *testing.T, lib *Library, what string, done func() bool) []*Entry {
	t.Helper()
	var changed []*Entry
	deadline := time.Now().Add(eventually)
	for {
		changed = lib.Poll(changed)
		if done() {
			return changed
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; entries: %s", what, describe(lib))
		}
		time.Sleep(time.Millisecond)
	}
}

// settled reports whether every load lib knows of has finished.
func settled(lib *Library) func() bool {
	return func() bool { return lib.Pending() == 0 }
}

// names returns the names of lib's entries, in order.
func names(lib *Library) []string {
	var ns []string
	for _, e := range lib.Entries() {
		ns = append(ns, e.Name)
	}
	return ns
}

func describe(lib *Library) string {
	var b bytes.Buffer
	for _, e := range lib.Entries() {
		b.WriteString("\n  " + e.Name + " " + e.State.String())
	}
	return b.String()
}

// entry returns lib's entry named name, failing the test if there is none.
func entry(t *testing.T, lib *Library, name string) *Entry {
	t.Helper()
	for _, e := range lib.Entries() {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no entry %q in %q", name, names(lib))
	return nil
}

// TestLibraryOrder checks that entries keep the order their sources were
// added in, a folder's files taking the folder's place, whatever order
// the loads finish in. One worker and a held first load make the order
// of loading follow the priorities, which the cases vary.
func TestLibraryOrder(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"hold.stl", "a.stl", "b.stl", "f1/c.stl", "f1/d.stl", "f2/e.stl", "f2/sub/g.stl", "x.stl/p.stl", "x.stl/q.stl"} {
		stltest.WriteTorus(t, dir, f, 4)
	}
	type source struct {
		name string
		p    asyncload.Priority
	}
	N, L, H := asyncload.Normal, asyncload.Low, asyncload.High
	for _, tt := range []struct {
		name    string
		sources []source
		loaded  []string // the order files reach Process, after hold.stl
		want    []string // the entries, after hold.stl
	}{
		{
			name:    "files and folders at one priority",
			sources: []source{{"a.stl", N}, {"f1", N}, {"b.stl", N}, {"f2", N}},
			loaded:  []string{"a.stl", "b.stl", "c.stl", "d.stl", "e.stl", "g.stl"},
			want:    []string{"a.stl", "c.stl", "d.stl", "b.stl", "e.stl", "g.stl"},
		},
		{
			name:    "the second folder settles first",
			sources: []source{{"a.stl", L}, {"f1", L}, {"b.stl", L}, {"f2", H}},
			loaded:  []string{"e.stl", "g.stl", "a.stl", "b.stl", "c.stl", "d.stl"},
			want:    []string{"a.stl", "c.stl", "d.stl", "b.stl", "e.stl", "g.stl"},
		},
		{
			name:    "folders added one after the other, the later first",
			sources: []source{{"f1", L}, {"f2", H}, {"a.stl", N}},
			loaded:  []string{"e.stl", "g.stl", "a.stl", "c.stl", "d.stl"},
			want:    []string{"c.stl", "d.stl", "e.stl", "g.stl", "a.stl"},
		},
		{
			name:    "folders added one after the other, the earlier first",
			sources: []source{{"f1", H}, {"f2", L}, {"a.stl", N}},
			loaded:  []string{"c.stl", "d.stl", "a.stl", "e.stl", "g.stl"},
			want:    []string{"c.stl", "d.stl", "e.stl", "g.stl", "a.stl"},
		},
		{
			name:    "a folder named like a file, settling before an earlier folder",
			sources: []source{{"a.stl", N}, {"f1", L}, {"x.stl", H}, {"b.stl", N}},
			loaded:  []string{"p.stl", "q.stl", "a.stl", "b.stl", "c.stl", "d.stl"},
			want:    []string{"a.stl", "c.stl", "d.stl", "p.stl", "q.stl", "b.stl"},
		},
		{
			name:    "a folder named like a file, settling before a later folder",
			sources: []source{{"a.stl", N}, {"x.stl", H}, {"f2", L}, {"b.stl", N}},
			loaded:  []string{"p.stl", "q.stl", "a.stl", "b.stl", "e.stl", "g.stl"},
			want:    []string{"a.stl", "p.stl", "q.stl", "e.stl", "g.stl", "b.stl"},
		},
		{
			name:    "a folder named like a file, settling last",
			sources: []source{{"f1", H}, {"x.stl", L}, {"f2", H}},
			loaded:  []string{"c.stl", "d.stl", "e.stl", "g.stl", "p.stl", "q.stl"},
			want:    []string{"c.stl", "d.stl", "p.stl", "q.stl", "e.stl", "g.stl"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			g := stltest.NewGate("hold.stl")
			l := newLoader(t, asyncload.Config{Workers: 1, Process: g.Process})
			lib := NewLibrary(l, nil)
			add(t, lib, filepath.Join(dir, "hold.stl"), asyncload.Critical)
			g.WaitHeld(t, eventually)
			for _, s := range tt.sources {
				add(t, lib, filepath.Join(dir, s.name), s.p)
			}
			lib.Poll(nil) // nothing has finished: the entries stay in place
			g.Release()
			pollUntil(t, lib, "every load", settled(lib))
			if got, want := g.Loaded(), append([]string{"hold.stl"}, tt.loaded...); !slices.Equal(got, want) {
				t.Errorf("files loaded in the order %q, want %q", got, want)
			}
			if got, want := names(lib), append([]string{"hold.stl"}, tt.want...); !slices.Equal(got, want) {
				t.Errorf("got entries %q, want %q", got, want)
			}
			for _, e := range lib.Entries() {
				if e.State != asyncload.Completed || e.Mesh() == nil || e.Version != 1 {
					t.Errorf("%s: got %v, mesh %v, version %d; want completed with a mesh, version 1", e.Name, e.State, e.Mesh() != nil, e.Version)
				}
			}
		})
	}
}

// TestLibraryFailures checks that a file that fails becomes an entry with
// the placeholder and its error, and so does a folder with nothing to show.
func TestLibraryFailures(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	good := stltest.WriteTorus(t, dir, "good.stl", 4)
	broken := stltest.WriteFile(t, dir, "broken.stl", truncated)
	empty := stltest.WriteFile(t, dir, "empty.stl", nil)
	if err := os.Mkdir(filepath.Join(dir, "nothing"), 0o755); err != nil {
		t.Fatal(err)
	}
	stltest.WriteFile(t, dir, "nothing/readme.txt", []byte("no STL here"))
	l := newLoader(t, asyncload.Config{Workers: 2})
	lib := NewLibrary(l, nil)
	for _, s := range []string{good, broken, filepath.Join(dir, "missing.stl"), empty, filepath.Join(dir, "nothing"), filepath.Join(dir, "nowhere")} {
		add(t, lib, s, asyncload.Normal)
	}
	changed := pollUntil(t, lib, "every load", settled(lib))
	// Every source gets an entry, so its error shows in the gallery too.
	if got, want := names(lib), []string{"good.stl", "broken.stl", "missing.stl", "empty.stl", "nothing", "nowhere"}; !slices.Equal(got, want) {
		t.Fatalf("got entries %q, want %q", got, want)
	}
	for _, tt := range []struct {
		name string
		err  error // nil: loads
		kind asyncload.SourceKind
	}{
		{"good.stl", nil, asyncload.KindFile},
		{"broken.stl", mesh.ErrTruncated, asyncload.KindFile},
		{"missing.stl", fs.ErrNotExist, asyncload.KindFile},
		{"empty.stl", mesh.ErrEmpty, asyncload.KindFile},
		{"nothing", asyncload.ErrNoSTL, asyncload.KindFolder},
		{"nowhere", fs.ErrNotExist, asyncload.KindFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := entry(t, lib, tt.name)
			if !e.Loaded() || e.Version != 1 || e.Mesh() == nil || e.Progress != 1 || e.Kind != tt.kind {
				t.Errorf("got loaded %v, version %d, mesh %v, progress %v, kind %v; want a mesh at version 1, progress 1, a %v",
					e.Loaded(), e.Version, e.Mesh() != nil, e.Progress, e.Kind, tt.kind)
			}
			if n := countOf(changed, e); n != 1 {
				t.Errorf("Poll reported it changed %d times, want once", n)
			}
			if tt.err == nil {
				if e.Err != nil || e.Fallback || e.State != asyncload.Completed || e.Faces != 64 {
					t.Errorf("got err %v, fallback %v, %v, %d faces; want it loaded with 64 faces", e.Err, e.Fallback, e.State, e.Faces)
				}
				return
			}
			if !errors.Is(e.Err, tt.err) {
				t.Errorf("got error %v, want %v", e.Err, tt.err)
			}
			var se *asyncload.SourceError
			if !errors.As(e.Err, &se) {
				t.Errorf("got %T, want a *asyncload.SourceError", e.Err)
			}
			if !e.Fallback || e.Mesh() != asyncload.Placeholder() || e.State != asyncload.Failed {
				t.Errorf("got fallback %v, the placeholder %v, %v; want the placeholder of a failed load", e.Fallback, e.Mesh() == asyncload.Placeholder(), e.State)
			}
			if p := asyncload.Placeholder(); e.Faces != p.Faces() || e.Bounds != p.Bounds {
				t.Errorf("got %d faces in %v, want the placeholder's %d in %v", e.Faces, e.Bounds, p.Faces(), p.Bounds)
			}
		})
	}
	if got := lib.Loads(); got != 5 {
		t.Errorf("Loads: got %d, want 5 files", got)
	}
	if c := lib.Counts(); c.Shown != 6 || c.Loaded != 1 || c.Failed != 5 || c.Pending != 0 {
		t.Errorf("counts %+v, want 6 shown, 1 loaded, 5 failed", c)
	}
}

func countOf(es []*Entry, e *Entry) int {
	n := 0
	for _, x := range es {
		if x == e {
			n++
		}
	}
	return n
}

// TestLibraryProgress checks the state and progress entries show while
// loads are queued, in flight and done.
func TestLibraryProgress(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	hold := stltest.WriteTorus(t, dir, "hold.stl", 8)
	next := stltest.WriteTorus(t, dir, "next.stl", 4)
	g := stltest.NewGate("hold.stl")
	l := newLoader(t, asyncload.Config{Workers: 1, Process: g.Process})
	lib := NewLibrary(l, nil)
	add(t, lib, hold, asyncload.Normal)
	add(t, lib, next, asyncload.Normal)
	add(t, lib, dir, asyncload.Low) // the folder: listed after both
	for _, e := range lib.Entries() {
		if e.State != asyncload.Queued || e.Progress != 0 || e.Size != -1 || e.Loaded() {
			t.Errorf("%s before any poll: got %v, progress %v, size %d; want queued, 0, -1", e.Name, e.State, e.Progress, e.Size)
		}
	}
	if got := lib.Pending(); got != 3 {
		t.Errorf("Pending: got %d, want 3 (two files and a folder)", got)
	}
	g.WaitHeld(t, eventually)
	lib.Poll(nil)
	h, n := entry(t, lib, "hold.stl"), entry(t, lib, "next.stl")
	fi, err := os.Stat(hold)
	if err != nil {
		t.Fatal(err)
	}
	// hold.stl is read and decoded, and held in Process.
	if h.State != asyncload.Loading || h.Progress != 1 || h.Size != fi.Size() || h.Loaded() {
		t.Errorf("hold.stl while held: got %v, progress %v, size %d, loaded %v; want loading, 1, %d, not loaded", h.State, h.Progress, h.Size, h.Loaded(), fi.Size())
	}
	if n.State != asyncload.Queued || n.Progress != 0 {
		t.Errorf("next.stl while the worker is busy: got %v, progress %v; want queued, 0", n.State, n.Progress)
	}
	g.Release()
	changed := pollUntil(t, lib, "every load", settled(lib))
	// The folder lists hold.stl and next.stl again: shown already, they
	// are not added twice.
	if got, want := names(lib), []string{"hold.stl", "next.stl"}; !slices.Equal(got, want) {
		t.Errorf("got entries %q, want %q", got, want)
	}
	if len(changed) != 2 {
		t.Errorf("got %d changed entries, want 2", len(changed))
	}
	for i, e := range lib.Entries() {
		if e.State != asyncload.Completed || e.Progress != 1 || e.Size <= 0 || e.Duration <= 0 || !e.Loaded() {
			t.Errorf("entry %d %s: got %v, progress %v, size %d, duration %v; want completed, 1, the size, a duration", i, e.Name, e.State, e.Progress, e.Size, e.Duration)
		}
	}
	if got := lib.Pending(); got != 0 {
		t.Errorf("Pending: got %d, want 0", got)
	}
	if h.Duration < 0 || h.Faces != 128 || n.Faces != 64 {
		t.Errorf("got %d and %d faces, want 128 and 64", h.Faces, n.Faces)
	}
}

// TestLibraryFocus checks that focusing a queued file makes it load next.
func TestLibraryFocus(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	g := stltest.NewGate("hold.stl")
	l := newLoader(t, asyncload.Config{Workers: 1, Process: g.Process})
	lib := NewLibrary(l, nil)
	add(t, lib, stltest.WriteTorus(t, dir, "hold.stl", 4), asyncload.Normal)
	g.WaitHeld(t, eventually)
	for _, name := range []string{"b.stl", "c.stl", "d.stl", "e.stl"} {
		add(t, lib, stltest.WriteTorus(t, dir, name, 4), asyncload.Normal)
	}
	lib.Focus(entry(t, lib, "d.stl"))
	lib.Focus(entry(t, lib, "hold.stl")) // loading already: nothing to raise
	g.Release()
	pollUntil(t, lib, "every load", settled(lib))
	if got, want := g.Loaded(), []string{"hold.stl", "d.stl", "b.stl", "c.stl", "e.stl"}; !slices.Equal(got, want) {
		t.Errorf("loaded in the order %q, want %q: the focused file first", got, want)
	}
	lib.Focus(entry(t, lib, "d.stl")) // done: nothing to do
	if got, want := names(lib), []string{"hold.stl", "b.stl", "c.stl", "d.stl", "e.stl"}; !slices.Equal(got, want) {
		t.Errorf("got entries %q, want %q: focus does not reorder", got, want)
	}
}

// TestLibraryEvictAcquire checks that a mesh the Store evicts is let go
// of (and listed for the renderer to forget), and is loaded again, without
// a new version, when it is wanted.
func TestLibraryEvictAcquire(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"a.stl", "b.stl", "gone.stl"} {
		paths = append(paths, stltest.WriteTorus(t, dir, name, 8))
	}
	// Learn what a load reserves, then allow the Store one and a half of
	// them on top of a decode's working memory.
	m, err := mesh.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	size := m.Indexed().SizeBytes()
	l, store := newStoreLoader(t, asyncload.Config{Workers: 1}, 1<<20+size*3/2)
	lib := NewLibrary(l, store)
	add(t, lib, paths[0], asyncload.Normal)
	add(t, lib, stltest.WriteFile(t, dir, "broken.stl", truncated), asyncload.Normal)
	pollUntil(t, lib, "a.stl", settled(lib))
	a, broken := entry(t, lib, "a.stl"), entry(t, lib, "broken.stl")
	ma := a.Mesh()
	// Fill the store with something else: a.stl goes.
	if err := store.Budget().Reserve(context.Background(), 1<<20+size); err != nil {
		t.Fatal(err)
	}
	store.Budget().Release(1<<20 + size)
	lib.Poll(nil)
	if a.Mesh() != nil || !a.Loaded() || a.Faces != 128 {
		t.Fatalf("evicted: got mesh %v, loaded %v, %d faces; want no mesh, loaded, 128 faces kept", a.Mesh() != nil, a.Loaded(), a.Faces)
	}
	if got := lib.Forgotten(nil); !slices.Contains(got, ma) {
		t.Errorf("Forgotten: got %d meshes, want a.stl's", len(got))
	}
	loads := lib.Loads()
	if got := lib.Acquire(a, asyncload.High); got != nil {
		t.Fatalf("Acquire of an evicted mesh: got a mesh at once, want nil while it loads")
	}
	if !a.reacquire || !a.Loaded() {
		t.Errorf("reloading %v, loaded %v; want reloading, still loaded", a.reacquire, a.Loaded())
	}
	if got := lib.Acquire(a, asyncload.Critical); got != nil {
		t.Errorf("Acquire again: got a mesh, want nil and the same load")
	}
	changed := pollUntil(t, lib, "a.stl again", func() bool { return a.Mesh() != nil })
	if len(changed) != 0 {
		t.Errorf("got %d changed entries, want none: the same file came back", len(changed))
	}
	if a.Version != 1 || a.State != asyncload.Completed || a.Mesh().Faces() != 128 || a.reacquire {
		t.Errorf("got version %d, %v, %d faces, reloading %v; want 1, completed, 128, done", a.Version, a.State, a.Mesh().Faces(), a.reacquire)
	}
	if got := lib.Loads(); got != loads+1 {
		t.Errorf("Loads: got %d, want %d", got, loads+1)
	}
	if broken.Mesh() != asyncload.Placeholder() {
		t.Errorf("got %v, want the placeholder of the broken file", broken.Mesh())
	}

	t.Run("a file gone since", func(t *testing.T) {
		add(t, lib, paths[2], asyncload.Normal)
		pollUntil(t, lib, "gone.stl", settled(lib))
		gone := entry(t, lib, "gone.stl") // a.stl made room for it
		if err := os.Remove(paths[2]); err != nil {
			t.Fatal(err)
		}
		store.Remove(gone.key)
		lib.Poll(nil)
		lib.Acquire(gone, asyncload.High)
		pollUntil(t, lib, "gone.stl's reload", func() bool { return !gone.reacquire })
		if !errors.Is(gone.Err, fs.ErrNotExist) || gone.State != asyncload.Failed || !gone.Fallback {
			t.Errorf("got %v, %v, fallback %v; want a failure for the missing file", gone.State, gone.Err, gone.Fallback)
		}
	})
}

// TestLibraryNoStore checks that without a Store entries keep their meshes.
func TestLibraryNoStore(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	lib := NewLibrary(newLoader(t, asyncload.Config{Workers: 1}), nil)
	add(t, lib, stltest.WriteTorus(t, dir, "a.stl", 4), asyncload.Normal)
	pollUntil(t, lib, "a.stl", settled(lib))
	e := lib.Entries()[0]
	m := e.Mesh()
	if m == nil || lib.Acquire(e, asyncload.High) != m {
		t.Errorf("got %p, want the mesh %p kept", e.Mesh(), m)
	}
}

// TestLibraryReload checks that reloads of changed files reach their
// entries by path, however the file was added, and that a failed reload
// keeps the last good mesh.
func TestLibraryReload(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	t.Chdir(dir)
	a := stltest.WriteTorus(t, dir, "a.stl", 4)
	stltest.WriteTorus(t, dir, "folder/b.stl", 4)
	stltest.WriteTorus(t, dir, "rel.stl", 4)
	broken := stltest.WriteFile(t, dir, "broken.stl", truncated)
	l, store := newStoreLoader(t, asyncload.Config{Workers: 1, Watch: true, Debounce: 20 * time.Millisecond}, 0)
	lib := NewLibrary(l, store)
	add(t, lib, a, asyncload.Normal)
	add(t, lib, filepath.Join(dir, "folder"), asyncload.Normal)
	add(t, lib, "rel.stl", asyncload.Normal)
	add(t, lib, broken, asyncload.Normal)
	pollUntil(t, lib, "every load", settled(lib))
	for _, tt := range []struct {
		name, file string
		nv         int // faces/16 of the new file; 0: a broken file
	}{
		{"an absolute path", "a.stl", 12},
		{"a file of a folder", "folder/b.stl", 6},
		{"a relative path", "rel.stl", 10},
		{"a file fixed", "broken.stl", 5},
		{"a file broken", "a.stl", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := entry(t, lib, filepath.Base(tt.file))
			old, version, loads := e.Mesh(), e.Version, lib.Loads()
			if tt.nv == 0 {
				stltest.WriteFile(t, dir, tt.file, truncated)
			} else {
				stltest.WriteTorus(t, dir, tt.file, tt.nv)
			}
			changed := pollUntil(t, lib, "the reload", func() bool { return lib.Loads() > loads })
			if tt.nv == 0 {
				if len(changed) != 0 || e.Mesh() != old || e.Version != version || e.State != asyncload.Completed || e.Err != nil {
					t.Errorf("after a failed reload: got %d changed, same mesh %v, version %d, %v, %v; want the last good mesh kept, completed, version %d",
						len(changed), e.Mesh() == old, e.Version, e.State, e.Err, version)
				}
				if !errors.Is(e.Stale, mesh.ErrTruncated) || lib.Counts().Stale != 1 {
					t.Errorf("after a failed reload: stale %v, want the file marked as no longer loading", e.Stale)
				}
				return
			}
			if !slices.Equal(changed, []*Entry{e}) {
				t.Errorf("got changed %v, want the entry alone", changed)
			}
			if e.Version != version+1 || e.Faces != 16*tt.nv || e.Mesh().Faces() != 16*tt.nv || e.Fallback || e.Err != nil || e.State != asyncload.Completed {
				t.Errorf("got version %d, %d faces, fallback %v, %v, %v; want version %d, %d faces, completed",
					e.Version, e.Faces, e.Fallback, e.Err, e.State, version+1, 16*tt.nv)
			}
			if len(lib.Entries()) != 4 {
				t.Errorf("got %d entries, want still 4", len(lib.Entries()))
			}
		})
	}
}
