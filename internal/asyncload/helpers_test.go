package asyncload

import (
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"
	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every Loader
// must stop its workers, watcher and HTTP connections in Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// eventually is how long a test waits for something that should happen
// soon. It is generous on purpose: tests check behaviour, benchmarks speed.
const eventually = 10 * time.Second

// heldLoader returns a one-worker Loader, closed when the test ends, whose
// worker is held by gate g on the load of busy.stl (written into dir):
// loads queued next wait in the queue while the test arranges them.
func heldLoader(t testing.TB, dir string) (l *Loader, g *stltest.Gate, busy *Handle) {
	t.Helper()
	g = stltest.NewGate("busy.stl")
	l = newLoader(t, Config{Workers: 1, Process: g.Process})
	busy = queue(t, l, stltest.WriteTorus(t, dir, "busy.stl", 4), Normal, QueueOptions{})
	g.WaitHeld(t, eventually)
	return l, g, busy
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
