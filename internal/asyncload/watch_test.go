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

// nextReload polls l until a reload of path settles and returns its Result.
func nextReload(t *testing.T, l *Loader, path string) Result {
	t.Helper()
	var found *Result
	var buf []Result
	waitFor(t, "a reload of "+path, func() bool {
		buf = l.PollCompleted(buf[:0])
		for i, r := range buf {
			if r.Reloaded && r.Source == path {
				found = &buf[i]
				return true
			}
		}
		return false
	})
	return *found
}

// partial reports whether r is a reload that read a file mid-write. The
// test writers pause for well under the debounce, but a loaded machine may
// deschedule one for longer; the watcher then reloads again once the
// write is complete.
func partial(r Result) bool {
	return r.State == Failed && (errors.Is(r.Err, mesh.ErrEmpty) || errors.Is(r.Err, mesh.ErrTruncated))
}

// wholeReload returns the next reload of path that did not read it mid-write.
func wholeReload(t *testing.T, l *Loader, path string) Result {
	t.Helper()
	for {
		if r := nextReload(t, l, path); !partial(r) {
			return r
		}
	}
}

// exportSTL writes data to path in pieces, as a CAD program exporting a
// large model might: truncate, then a piece every few milliseconds.
func exportSTL(t *testing.T, path string, data []byte, pieces int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	step := (len(data) + pieces - 1) / pieces
	for i := 0; i < len(data); i += step {
		if _, err := f.Write(data[i:min(i+step, len(data))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWatchReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := stltest.WriteTorus(t, dir, "part.stl", 4)
	l := newLoader(t, Config{Workers: 1, Watch: true, Debounce: 30 * time.Millisecond})
	if r := wait(t, queue(t, l, path, Normal, QueueOptions{})); r.State != Completed {
		t.Fatalf("first load: got %v (%v)", r.State, r.Err)
	}
	waitFor(t, "the watch", func() bool { _, ok := l.watch.priority(path); return ok })

	faces := func(nv int) int { return 2 * 8 * nv }
	steps := []struct {
		name  string
		write func()
		want  State
		faces int
	}{
		{"rewritten", func() { stltest.WriteTorus(t, dir, "part.stl", 5) }, Completed, faces(5)},
		{"broken", func() { stltest.WriteFile(t, dir, "part.stl", []byte("this is not an STL file")) }, Failed, 0},
		{"fixed after a failed reload", func() { stltest.WriteTorus(t, dir, "part.stl", 6) }, Completed, faces(6)},
		{"replaced by rename", func() {
			tmp := stltest.WriteTorus(t, dir, "part.stl.tmp", 7)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, Completed, faces(7)},
	}
	for _, st := range steps {
		st.write()
		r := wholeReload(t, l, path)
		if r.State != st.want {
			t.Fatalf("%s: got %v (%v), want %v", st.name, r.State, r.Err, st.want)
		}
		if st.want == Completed && r.Mesh.Faces() != st.faces {
			t.Errorf("%s: got %d faces, want %d", st.name, r.Mesh.Faces(), st.faces)
		}
		if st.want == Failed && !errors.Is(r.Err, mesh.ErrNotSTL) {
			t.Errorf("%s: got %v, want mesh.ErrNotSTL", st.name, r.Err)
		}
	}

	if !l.Unwatch(path) {
		t.Error("Unwatch of a watched file: got false, want true")
	}
	if l.Unwatch(path) {
		t.Error("second Unwatch: got true, want false")
	}
}

func TestWatchHalfWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := stltest.WriteTorus(t, dir, "export.stl", 4)
	l := newLoader(t, Config{Workers: 1, Watch: true, Debounce: 50 * time.Millisecond})
	wait(t, queue(t, l, path, Normal, QueueOptions{}))
	waitFor(t, "the watch", func() bool { _, ok := l.watch.priority(path); return ok })

	// The export pauses briefly between pieces, well within the debounce:
	// the file reloads once, complete. On a loaded machine a pause may
	// outlast the debounce; then a reload of the partial file fails, and
	// the file, still watched, reloads complete after the next piece.
	exportSTL(t, path, stltest.Encode(t, mesh.Torus(2, 0.5, 40, 40), false), 20)
	r := wholeReload(t, l, path)
	if r.State != Completed || r.Mesh.Faces() != 3200 {
		t.Errorf("got %v (%v); want completed with the whole file's 3200 faces", r.State, r.Err)
	}
	if _, ok := l.watch.priority(path); !ok {
		t.Error("the file is no longer watched")
	}
}

func TestWatchMissingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "later.stl")
	l := newLoader(t, Config{Workers: 1, Watch: true, Debounce: 20 * time.Millisecond})
	if r := wait(t, queue(t, l, path, Normal, QueueOptions{})); r.State != Failed {
		t.Fatalf("a missing file: got %v, want failed", r.State)
	}
	waitFor(t, "the watch", func() bool { _, ok := l.watch.priority(path); return ok })
	tmp := stltest.WriteTorus(t, dir, "later.tmp", 4)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if r := wholeReload(t, l, path); r.State != Completed {
		t.Errorf("once the file appears: got %v (%v), want completed", r.State, r.Err)
	}
}
