package asyncload

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stlview/stlview/internal/mesh"
)

// TestMain fails the run if any goroutine outlives the tests: every Loader
// must stop its workers, watcher and HTTP connections in Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// eventually is how long a test waits for something that should happen
// soon. It is generous on purpose: tests check behaviour, benchmarks speed.
const eventually = 10 * time.Second

// torusSTL returns binary STL bytes of a torus with 2·nu·nv faces.
func torusSTL(t testing.TB, nu, nv int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := mesh.EncodeBinary(&buf, mesh.Torus(2, 0.5, nu, nv), mesh.BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipped returns data compressed with gzip.
func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes data to name under dir, creating folders, and returns
// the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeTorus writes a small torus (faces = 2·8·nv) under dir and returns its path.
func writeTorus(t testing.TB, dir, name string, nv int) string {
	t.Helper()
	return writeFile(t, dir, name, torusSTL(t, 8, nv))
}

// newLoader returns a Loader that is closed when the test ends.
func newLoader(t testing.TB, cfg Config) *Loader {
	t.Helper()
	l, err := New(cfg)
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

// queue queues source or fails the test.
func queue(t testing.TB, l *Loader, source string, p Priority, opts QueueOptions) *Handle {
	t.Helper()
	h, err := l.Queue(source, p, opts)
	if err != nil {
		t.Fatalf("Queue(%q): %v", source, err)
	}
	return h
}

// wait waits for h to settle and returns its Result.
func wait(t testing.TB, h *Handle) Result {
	t.Helper()
	select {
	case <-h.Done():
	case <-time.After(eventually):
		t.Fatalf("%s: still %v after %v", h.Source(), h.status().State, eventually)
	}
	r, ok := h.Result()
	if !ok {
		t.Fatalf("%s: Done is closed but Result is not ready", h.Source())
	}
	return r
}

// waitFor polls cond until it holds, failing the test after eventually.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// pollN collects n Results from l.PollCompleted.
func pollN(t testing.TB, l *Loader, n int) []Result {
	t.Helper()
	var rs []Result
	waitFor(t, "results", func() bool {
		rs = l.PollCompleted(rs)
		return len(rs) >= n
	})
	if len(rs) > n {
		t.Fatalf("got %d results, want %d", len(rs), n)
	}
	return rs
}

// gate is a Config.Process that records the order in which loads finish
// decoding, and holds the load of one chosen file until released, which
// keeps a worker busy while a test arranges the queue.
type gate struct {
	hold    string        // base name of the file to hold
	held    chan struct{} // closed when that load reaches Process
	release chan struct{} // closing it lets that load finish

	mu    sync.Mutex
	order []string // base names, in the order loads reached Process
}

func newGate(hold string) *gate {
	return &gate{hold: hold, held: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) process(ctx context.Context, source string, m *mesh.Mesh) (*mesh.Mesh, error) {
	name := filepath.Base(source)
	g.mu.Lock()
	g.order = append(g.order, name)
	g.mu.Unlock()
	if name != g.hold {
		return m, nil
	}
	close(g.held)
	select {
	case <-g.release:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loaded returns the base names that reached Process, in order.
func (g *gate) loaded() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.order...)
}

// waitHeld waits until the held load has reached Process.
func (g *gate) waitHeld(t testing.TB) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(eventually):
		t.Fatalf("%s never reached Process", g.hold)
	}
}
