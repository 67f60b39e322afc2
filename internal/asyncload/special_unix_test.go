//go:build unix

package asyncload

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"
)

// TestSpecialFiles: a FIFO (or a device) is refused at once, named as
// what it is, and neither blocks the load after it nor Close; in a folder
// it is passed over.
func TestSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.stl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	good := stltest.WriteTorus(t, dir, "good.stl", 4)
	l := newLoader(t, Config{Workers: 1})
	start := time.Now()
	hf := queue(t, l, fifo, High, QueueOptions{})
	hg := queue(t, l, good, Normal, QueueOptions{})
	rf, rg := wait(t, hf), wait(t, hg)
	if rf.State != Failed || !errors.Is(rf.Err, ErrNotRegular) {
		t.Errorf("FIFO: got %v, %v; want failed with ErrNotRegular", rf.State, rf.Err)
	}
	if rg.State != Completed {
		t.Errorf("the file after the FIFO: got %v (%v), want completed", rg.State, rg.Err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the FIFO held the worker", d)
	}
	for _, dev := range []string{"/dev/null", "/dev/zero"} {
		if r := wait(t, queue(t, l, dev, Normal, QueueOptions{})); !errors.Is(r.Err, ErrNotRegular) {
			t.Errorf("%s: got %v, want ErrNotRegular", dev, r.Err)
		}
	}
	// In a folder, the FIFO is not a file to load.
	r := wait(t, queue(t, l, dir, Normal, QueueOptions{}))
	if len(r.Children) != 1 || r.Children[0].Source() != good {
		t.Errorf("folder: got %d children, want good.stl alone", len(r.Children))
	}
	for _, h := range r.Children {
		wait(t, h)
	}
}

// TestOpenRegularRace: a FIFO put where a checked file was is caught by
// the open file's own info, without blocking.
func TestOpenRegularRace(t *testing.T) {
	dir := t.TempDir()
	path := stltest.WriteTorus(t, dir, "a.stl", 4)
	fi, err := osStat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := removeFile(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, _, err := openRegular(path, fi)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("got %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the open blocked on a FIFO")
	}
}

var (
	osStat     = func(name string) (fs.FileInfo, error) { return os.Stat(name) }
	removeFile = os.Remove
)
