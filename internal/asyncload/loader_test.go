package asyncload

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/mesh"
)

func TestQueueErrors(t *testing.T) {
	t.Parallel()
	l := newLoader(t, Config{Workers: 1})
	tests := []struct {
		name   string
		source string
		p      Priority
	}{
		{"empty source", "", Normal},
		{"priority too high", "a.stl", Critical + 1},
		{"priority negative", "a.stl", -1},
		{"URL without host", "http:///a.stl", Normal},
		{"malformed URL", "http://[::1/a.stl", Normal},
		{"NUL in path", "a\x00.stl", Normal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := l.Queue(tt.source, tt.p, QueueOptions{})
			if !errors.Is(err, ErrInvalid) || h != nil {
				t.Errorf("Queue(%q, %d) = %v, %v; want nil, ErrInvalid", tt.source, tt.p, h, err)
			}
		})
	}

	t.Run("closed", func(t *testing.T) {
		l, err := New(Config{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		if _, err := l.Queue("a.stl", Normal, QueueOptions{}); !errors.Is(err, ErrClosed) {
			t.Errorf("Queue after Close: got %v, want ErrClosed", err)
		}
		if err := l.Close(); err != nil {
			t.Errorf("second Close: got %v, want nil", err)
		}
	})
}

func TestPriorityOrder(t *testing.T) {
	t.Parallel()
	type load struct {
		name string
		p    Priority
	}
	tests := []struct {
		name  string
		loads []load // queued in this order while the only worker is busy
		want  []string
	}{
		{
			name:  "priority first",
			loads: []load{{"low", Low}, {"normal", Normal}, {"critical", Critical}, {"high", High}},
			want:  []string{"critical", "high", "normal", "low"},
		},
		{
			name:  "oldest first among equals",
			loads: []load{{"n1", Normal}, {"n2", Normal}, {"h1", High}, {"n3", Normal}, {"h2", High}},
			want:  []string{"h1", "h2", "n1", "n2", "n3"},
		},
		{
			name:  "all four, interleaved",
			loads: []load{{"l1", Low}, {"c1", Critical}, {"l2", Low}, {"n1", Normal}, {"c2", Critical}, {"h1", High}},
			want:  []string{"c1", "c2", "h1", "n1", "l1", "l2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			l, g, busy := heldLoader(t, dir)
			var hs []*Handle
			for _, ld := range tt.loads {
				hs = append(hs, queue(t, l, stltest.WriteTorus(t, dir, ld.name+".stl", 4), ld.p, QueueOptions{}))
			}
			g.Release()
			wait(t, busy)
			for _, h := range hs {
				wait(t, h)
			}
			got := g.Loaded()[1:]
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = w + ".stl"
			}
			if !slices.Equal(got, want) {
				t.Errorf("load order: got %v, want %v", got, want)
			}
		})
	}
}

func TestSetPriority(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, g, busy := heldLoader(t, dir)

	hs := map[string]*Handle{}
	for _, name := range []string{"a", "b", "c", "d"} {
		hs[name] = queue(t, l, stltest.WriteTorus(t, dir, name+".stl", 4), Normal, QueueOptions{})
	}
	// d, clicked by the user, jumps ahead; a drops behind everything.
	if err := l.SetPriority(hs["d"], Critical); err != nil {
		t.Fatal(err)
	}
	if err := l.SetPriority(hs["a"], Low); err != nil {
		t.Fatal(err)
	}
	// A second handle on c at High lifts the shared load; lowering that
	// handle again returns the load to Normal, behind b (older).
	c2 := queue(t, l, filepath.Join(dir, "c.stl"), High, QueueOptions{})
	if err := l.SetPriority(c2, Normal); err != nil {
		t.Fatal(err)
	}
	if err := l.SetPriority(hs["b"], Critical+1); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetPriority(Critical+1): got %v, want ErrInvalid", err)
	}

	g.Release()
	for _, h := range append([]*Handle{busy, c2}, hs["a"], hs["b"], hs["c"], hs["d"]) {
		wait(t, h)
	}
	want := []string{"busy.stl", "d.stl", "b.stl", "c.stl", "a.stl"}
	if got := g.Loaded(); !slices.Equal(got, want) {
		t.Errorf("load order: got %v, want %v", got, want)
	}
	if err := l.SetPriority(hs["a"], High); err != nil {
		t.Errorf("SetPriority on a finished load: got %v, want nil", err)
	}
}

func TestCancelQueued(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, g, busy := heldLoader(t, dir)
	a := queue(t, l, stltest.WriteTorus(t, dir, "a.stl", 4), Normal, QueueOptions{})
	b := queue(t, l, stltest.WriteTorus(t, dir, "b.stl", 4), Normal, QueueOptions{})

	if !l.Cancel(a) {
		t.Fatal("Cancel(queued) = false, want true")
	}
	if got := l.Status(a); got.State != Cancelled {
		t.Errorf("Status after Cancel: got %v, want cancelled", got.State)
	}
	if got := l.Stats().Queued; got != 1 {
		t.Errorf("Stats().Queued after Cancel: got %d, want 1", got)
	}
	r := wait(t, a)
	if r.State != Cancelled || !errors.Is(r.Err, ErrCancelled) || r.Mesh != nil {
		t.Errorf("cancelled Result: got state %v, err %v, mesh %v; want cancelled, ErrCancelled, nil", r.State, r.Err, r.Mesh)
	}
	if l.Cancel(a) {
		t.Error("second Cancel = true, want false")
	}

	g.Release()
	wait(t, busy)
	if r := wait(t, b); r.State != Completed {
		t.Errorf("b: got %v (%v), want completed", r.State, r.Err)
	}
	if got, want := g.Loaded(), []string{"busy.stl", "b.stl"}; !slices.Equal(got, want) {
		t.Errorf("loads that ran: got %v, want %v", got, want)
	}
}

func TestCancelInFlight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := stltest.NewGate("slow.stl")
	l := newLoader(t, Config{Workers: 1, Process: g.Process})
	slow := queue(t, l, stltest.WriteTorus(t, dir, "slow.stl", 4), Normal, QueueOptions{})
	next := queue(t, l, stltest.WriteTorus(t, dir, "next.stl", 4), Normal, QueueOptions{})
	g.WaitHeld(t, eventually)
	if got := l.Status(slow).State; got != Loading {
		t.Fatalf("Status of the held load: got %v, want loading", got)
	}

	if !l.Cancel(slow) {
		t.Fatal("Cancel(loading) = false, want true")
	}
	if r := wait(t, slow); r.State != Cancelled {
		t.Errorf("slow: got %v, want cancelled", r.State)
	}
	// The worker is freed by the cancelled context, without release.
	if r := wait(t, next); r.State != Completed {
		t.Errorf("next: got %v (%v), want completed", r.State, r.Err)
	}
	if s := l.Stats(); s.Cancelled != 1 || s.Completed != 1 {
		t.Errorf("Stats: got %d cancelled, %d completed; want 1, 1", s.Cancelled, s.Completed)
	}
}

func TestSharedLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handles   int
		cancel    []int // handles to cancel while the load is held
		wantLoads int   // loads of shared.stl that reach Process
	}{
		{"three handles, one load", 3, nil, 1},
		{"one of three cancelled", 3, []int{1}, 1},
		{"all cancelled", 2, []int{0, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			g := stltest.NewGate("shared.stl")
			l := newLoader(t, Config{Workers: 2, Process: g.Process})
			path := stltest.WriteTorus(t, dir, "shared.stl", 4)
			hs := []*Handle{queue(t, l, path, Normal, QueueOptions{})}
			g.WaitHeld(t, eventually) // loading now: the others join an in-flight load
			for range tt.handles - 1 {
				hs = append(hs, queue(t, l, path, Normal, QueueOptions{}))
			}
			for _, i := range tt.cancel {
				l.Cancel(hs[i])
			}
			g.Release()

			var m *mesh.Mesh
			for i, h := range hs {
				r := wait(t, h)
				want := Completed
				if slices.Contains(tt.cancel, i) {
					want = Cancelled
				}
				if r.State != want {
					t.Errorf("handle %d: got %v, want %v", i, r.State, want)
				}
				if r.State == Completed {
					if m != nil && r.Mesh != m {
						t.Errorf("handle %d: got a different mesh, want the shared one", i)
					}
					m = r.Mesh
				}
			}
			if got := len(g.Loaded()); got != tt.wantLoads {
				t.Errorf("loads: got %d, want %d", got, tt.wantLoads)
			}
		})
	}
}

func TestLoadAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := stltest.WriteTorus(t, dir, "good.stl", 4)
	bad := stltest.WriteFile(t, dir, "bad.stl", []byte("not an STL file at all"))
	tests := []struct {
		name   string
		source string
		cancel bool
		first  State
	}{
		{"after completion", good, false, Completed},
		{"after failure", bad, false, Failed},
		{"after cancel", good, true, Cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// To cancel a load in flight, the gate holds it until the
			// cancel: a load let go could finish first.
			hold := "none"
			if tt.cancel {
				hold = filepath.Base(tt.source)
			}
			g := stltest.NewGate(hold)
			l := newLoader(t, Config{Workers: 1, Process: g.Process})
			h1 := queue(t, l, tt.source, Normal, QueueOptions{})
			if tt.cancel {
				g.WaitHeld(t, eventually)
				l.Cancel(h1)
			}
			r1 := wait(t, h1)
			g.Release()
			if r1.State != tt.first {
				t.Fatalf("first load: got %v, want %v", r1.State, tt.first)
			}
			h2 := queue(t, l, tt.source, Normal, QueueOptions{})
			if h2.job == h1.job {
				t.Error("the second Queue shares the finished load, want a new load")
			}
			r2 := wait(t, h2)
			want := Completed
			if tt.source == bad {
				want = Failed
			}
			if r2.State != want {
				t.Errorf("second load: got %v (%v), want %v", r2.State, r2.Err, want)
			}
			if r1.Mesh != nil && r2.Mesh == r1.Mesh {
				t.Error("the second load returned the first mesh, want a fresh one")
			}
		})
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := stltest.WriteFile(t, dir, "garbage.stl", []byte("\x00\x01 nothing like STL"))
	missing := filepath.Join(dir, "missing.stl")
	tests := []struct {
		name     string
		source   string
		fallback bool
		wantErr  error
	}{
		{"bad file, fallback", garbage, true, mesh.ErrNotSTL},
		{"bad file, no fallback", garbage, false, mesh.ErrNotSTL},
		{"missing file, fallback", missing, true, nil},
	}
	l := newLoader(t, Config{Workers: 2})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wait(t, queue(t, l, tt.source, Normal, QueueOptions{Fallback: tt.fallback}))
			if r.State != Failed || r.Err == nil {
				t.Fatalf("got %v, %v; want failed with an error", r.State, r.Err)
			}
			if tt.wantErr != nil && !errors.Is(r.Err, tt.wantErr) {
				t.Errorf("error: got %v, want %v", r.Err, tt.wantErr)
			}
			if !strings.Contains(r.Err.Error(), tt.source) {
				t.Errorf("error %q does not name %s", r.Err, tt.source)
			}
			if r.Fallback != tt.fallback {
				t.Errorf("Fallback: got %v, want %v", r.Fallback, tt.fallback)
			}
			var want *mesh.Mesh
			if tt.fallback {
				want = Placeholder()
			}
			if r.Mesh != want {
				t.Errorf("Mesh: got %p, want %p", r.Mesh, want)
			}
		})
	}
}

func TestPlaceholder(t *testing.T) {
	m := Placeholder()
	if m.Faces() != 8 || m.Vertices() != 6 || m.Indices == nil {
		t.Errorf("got %d faces, %d vertices, indexed %v; want 8, 6, true", m.Faces(), m.Vertices(), m.Indices != nil)
	}
	for f := range m.Faces() {
		a, _, _ := m.Face(f)
		if n := m.Normal(f); n.Dot(a) <= 0 {
			t.Errorf("face %d: normal %v points inwards", f, n)
		}
		if m.Colors[f] != PlaceholderColor {
			t.Errorf("face %d: colour %v, want %v", f, m.Colors[f], PlaceholderColor)
		}
	}
}

func TestPanicIsolation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	process := func(ctx context.Context, source string, m *mesh.Mesh) (*mesh.Mesh, error) {
		if filepath.Base(source) == "boom.stl" {
			var nilMap map[string]int
			//lint:ignore SA5000 the test needs a real runtime panic, not a panic(string)
			nilMap["x"]++
		}
		return m, nil
	}
	l := newLoader(t, Config{Workers: 1, Process: process})
	boom := queue(t, l, stltest.WriteTorus(t, dir, "boom.stl", 4), Normal, QueueOptions{Fallback: true})
	after := queue(t, l, stltest.WriteTorus(t, dir, "after.stl", 4), Normal, QueueOptions{})

	r := wait(t, boom)
	var pe *PanicError
	if r.State != Failed || !errors.As(r.Err, &pe) {
		t.Fatalf("boom: got %v, %v; want failed with a *PanicError", r.State, r.Err)
	}
	if !strings.Contains(pe.Error(), "boom.stl") || len(pe.Stack) == 0 {
		t.Errorf("PanicError %q: want it to name boom.stl and carry a stack", pe)
	}
	if !r.Fallback {
		t.Error("a panicked load with Fallback: got no fallback, want the placeholder")
	}
	if r := wait(t, after); r.State != Completed {
		t.Errorf("the load after the panic: got %v (%v), want completed", r.State, r.Err)
	}
	if r := wait(t, queue(t, l, filepath.Join(dir, "after.stl"), Normal, QueueOptions{})); r.State != Completed {
		t.Errorf("a load queued after the panic: got %v, want completed", r.State)
	}
}

func TestCloseWithPending(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := stltest.NewGate("busy.stl")
	l, err := New(Config{Workers: 1, Process: g.Process})
	if err != nil {
		t.Fatal(err)
	}
	busy := queue(t, l, stltest.WriteTorus(t, dir, "busy.stl", 4), Normal, QueueOptions{})
	g.WaitHeld(t, eventually)
	path := stltest.WriteTorus(t, dir, "a.stl", 4)
	var hs []*Handle
	for i := range 20 {
		hs = append(hs, queue(t, l, fmt.Sprintf("%s/%d/../a.stl", dir, i), Priority(i%4), QueueOptions{}))
	}
	hs = append(hs, busy, queue(t, l, path, Normal, QueueOptions{}))

	if err := l.Close(); err != nil { // returns with the held load cancelled, never released
		t.Fatal(err)
	}
	for _, h := range hs {
		select {
		case <-h.Done():
		default:
			t.Fatalf("%s: not settled after Close", h.Source())
		}
		if got := l.Status(h).State; got != Cancelled {
			t.Errorf("%s: got %v, want cancelled", h.Source(), got)
		}
	}
	if rs := l.PollCompleted(nil); len(rs) != len(hs) {
		t.Errorf("PollCompleted after Close: got %d results, want %d", len(rs), len(hs))
	}
	if s := l.Stats(); s.Queued != 0 || s.Loading != 0 || s.Cancelled != len(hs) {
		t.Errorf("Stats after Close: got %d queued, %d loading, %d cancelled; want 0, 0, %d", s.Queued, s.Loading, s.Cancelled, len(hs))
	}
}

func TestQueueBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := stltest.WriteTorus(t, dir, "a.stl", 4)
	b := stltest.WriteTorus(t, dir, "b.stl", 5)
	l := newLoader(t, Config{Workers: 2})
	sources := []string{a, "", b, a}
	hs := l.QueueBatch(sources, High)
	if len(hs) != len(sources) {
		t.Fatalf("got %d handles, want %d", len(hs), len(sources))
	}
	want := []State{Completed, Failed, Completed, Completed}
	for i, h := range hs {
		r := wait(t, h)
		if r.State != want[i] || r.Source != sources[i] {
			t.Errorf("handle %d: got %v for %q, want %v for %q", i, r.State, r.Source, want[i], sources[i])
		}
	}
	if r, _ := hs[1].Result(); !errors.Is(r.Err, ErrInvalid) {
		t.Errorf("empty source: got %v, want ErrInvalid", r.Err)
	}
	if rs := pollN(t, l, 4); len(rs) != 4 {
		t.Errorf("PollCompleted: got %d results, want 4", len(rs))
	}
}

func TestPollCompleted(t *testing.T) { // not parallel: AllocsPerRun forbids it
	dir := t.TempDir()
	l := newLoader(t, Config{Workers: 2})

	buf := make([]Result, 0, 8)
	if allocs := testing.AllocsPerRun(100, func() { buf = l.PollCompleted(buf[:0]) }); allocs != 0 {
		t.Errorf("empty PollCompleted: got %v allocations, want 0", allocs)
	}
	if len(buf) != 0 {
		t.Fatalf("empty PollCompleted: got %d results, want 0", len(buf))
	}

	var hs []*Handle
	for i := range 3 {
		hs = append(hs, queue(t, l, stltest.WriteTorus(t, dir, fmt.Sprintf("%d.stl", i), 4), Normal, QueueOptions{}))
	}
	for _, h := range hs {
		wait(t, h)
	}
	got := l.PollCompleted(buf[:0])
	if len(got) != 3 || &got[0] != &buf[:1][0] {
		t.Errorf("PollCompleted: got %d results in a new array, want 3 in buf", len(got))
	}
	for _, r := range got {
		if !slices.Contains(hs, r.Handle) || r.State != Completed || r.Mesh.Faces() != 64 {
			t.Errorf("%s: got %v with %d faces, want a completed mesh of 64 faces from a queued handle", r.Source, r.State, r.Mesh.Faces())
		}
	}
	if again := l.PollCompleted(nil); len(again) != 0 {
		t.Errorf("second PollCompleted: got %d results, want 0", len(again))
	}
}

func TestIndexedAndStats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := stltest.Encode(t, mesh.Torus(2, 0.5, 8, 4), false)
	l := newLoader(t, Config{Workers: 2, Indexed: true})
	r := wait(t, queue(t, l, stltest.WriteFile(t, dir, "a.stl", data), Normal, QueueOptions{}))
	if r.State != Completed || r.Mesh.Indices == nil {
		t.Fatalf("got %v (%v), indexed %v; want a completed indexed mesh", r.State, r.Err, r.Mesh != nil && r.Mesh.Indices != nil)
	}
	if got, want := r.Mesh.Vertices(), 8*4; got != want {
		t.Errorf("welded vertices: got %d, want %d", got, want)
	}
	if r.Bytes != int64(len(data)) || r.Size != int64(len(data)) || r.ModTime.IsZero() {
		t.Errorf("Bytes, Size, ModTime: got %d, %d, %v; want %d, %d, the file's time", r.Bytes, r.Size, r.ModTime, len(data), len(data))
	}
	wait(t, queue(t, l, filepath.Join(dir, "missing.stl"), Normal, QueueOptions{}))

	s := l.Stats()
	if s.Completed != 1 || s.Failed != 1 || s.Queued != 0 || s.Loading != 0 {
		t.Errorf("Stats: got %d completed, %d failed, %d queued, %d loading; want 1, 1, 0, 0", s.Completed, s.Failed, s.Queued, s.Loading)
	}
	if s.Bytes != int64(len(data)) || s.Triangles != 64 {
		t.Errorf("Stats: got %d bytes, %d triangles; want %d, 64", s.Bytes, s.Triangles, len(data))
	}
	if s.MeanLoad <= 0 || s.MaxLoad < s.MeanLoad || s.Busy < s.MaxLoad || s.Throughput <= 0 {
		t.Errorf("Stats times: got mean %v, max %v, busy %v, throughput %v; want 0 < mean <= max <= busy, throughput > 0",
			s.MeanLoad, s.MaxLoad, s.Busy, s.Throughput)
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := stltest.Gzip(t, stltest.Encode(t, mesh.Torus(2, 0.5, 8, 4), false))
	l := newLoader(t, Config{Workers: 1})
	r := wait(t, queue(t, l, stltest.WriteFile(t, dir, "a.STL.GZ", data), Normal, QueueOptions{}))
	if r.State != Completed || !r.Mesh.Compressed || r.Mesh.Faces() != 64 {
		t.Fatalf("got %v (%v); want a completed compressed mesh of 64 faces", r.State, r.Err)
	}
	if r.Bytes != int64(len(data)) {
		t.Errorf("Bytes: got %d, want the compressed size %d", r.Bytes, len(data))
	}
}

// TestCancelMany cancels 10,000 queued loads; BenchmarkCancel10000 times it.
func TestCancelMany(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, g, _ := heldLoader(t, dir)
	sources := make([]string, 10000)
	for i := range sources {
		sources[i] = filepath.Join(dir, fmt.Sprintf("%05d.stl", i))
	}
	hs := l.QueueBatch(sources, Normal)
	for _, h := range hs {
		l.Cancel(h)
	}
	for _, h := range hs {
		if got := l.Status(h).State; got != Cancelled {
			t.Fatalf("%s: got %v, want cancelled", h.Source(), got)
		}
	}
	if s := l.Stats(); s.Queued != 0 || s.Cancelled != len(hs) {
		t.Errorf("Stats: got %d queued, %d cancelled; want 0, %d", s.Queued, s.Cancelled, len(hs))
	}
	g.Release()
}

// TestThreadsForLoneLoad checks how many goroutines a job may decode on: a
// job that leaves work queued behind it gets one, and one that empties the
// queue gets the share of the idle workers too.
func TestThreadsForLoneLoad(t *testing.T) {
	// A loader without worker goroutines: the test takes the jobs itself.
	l := &Loader{cfg: Config{Workers: 3}, active: map[string]*job{}}
	l.work.L = &l.mu
	l.mu.Lock()
	for _, k := range []string{"/a.stl", "/b.stl", "/c.stl"} {
		l.enqueueLocked(k, k, false, Normal, QueueOptions{}, false)
	}
	l.mu.Unlock()
	for i, want := range []int{1, 1, 1} { // a, b leave work queued; c starts with two loads running
		j, _ := l.next()
		if j.threads != want {
			t.Errorf("job %d (%s): got %d threads, want %d", i, j.key, j.threads, want)
		}
		defer j.cancel()
	}
	// Alone: with the other loads finished, a new job gets every worker.
	l.mu.Lock()
	l.stats.loading = 0
	l.enqueueLocked("/d.stl", "/d.stl", false, Normal, QueueOptions{}, false)
	l.mu.Unlock()
	j, _ := l.next()
	defer j.cancel()
	if j.threads != 3 {
		t.Errorf("lone job: got %d threads, want 3", j.threads)
	}
}
