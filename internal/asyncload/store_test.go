package asyncload

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/stltest"
)

func TestBudgetReserve(t *testing.T) {
	b := NewBudget(1000, "--cache-mb")
	ctx := context.Background()
	if err := b.Reserve(ctx, 600); err != nil {
		t.Fatal(err)
	}
	// More than the whole budget: at once, naming the need and the limit.
	err := b.Reserve(ctx, 2000)
	var be *mesh.BudgetError
	if !errors.As(err, &be) || !errors.Is(err, mesh.ErrTooLarge) || be.Need != 2000 || be.Limit != 1000 || be.Source != "--cache-mb" {
		t.Fatalf("got %v, want a BudgetError of 2000 over 1000", err)
	}
	// Not now, and no other load could release: fails with what is in use.
	err = b.Reserve(ctx, 500)
	if !errors.As(err, &be) || be.InUse != 600 {
		t.Fatalf("got %v, want a BudgetError with 600 in use", err)
	}
	b.Release(600)
	if err := b.Reserve(ctx, 500); err != nil || b.Used() != 500 {
		t.Fatalf("after a release: %v, used %d", err, b.Used())
	}
}

func TestBudgetWaitsForOtherLoads(t *testing.T) {
	b := NewBudget(1000, "")
	ctx := context.Background()
	b.begin() // another load, holding 800
	if err := b.Reserve(ctx, 800); err != nil {
		t.Fatal(err)
	}
	b.begin() // this load
	got := make(chan error, 1)
	go func() { got <- b.Reserve(ctx, 500) }()
	select {
	case err := <-got:
		t.Fatalf("Reserve returned %v while another load could still release", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.Release(800) // the other load fails, or its mesh goes
	b.end()
	if err := <-got; err != nil {
		t.Fatalf("after the release: %v", err)
	}
	// Two loads that both wait would wait forever: the second fails.
	b2 := NewBudget(1000, "")
	b2.begin()
	b2.begin()
	if err := b2.Reserve(ctx, 600); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- b2.Reserve(ctx, 300) }() // fits: 900
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() { waiting <- b2.Reserve(ctx, 200) }()
	waitFor(t, "a waiter", func() bool { b2.mu.Lock(); defer b2.mu.Unlock(); return b2.waiting == 1 })
	if err := b2.Reserve(ctx, 200); !errors.Is(err, mesh.ErrTooLarge) {
		t.Errorf("every load waiting: got %v, want ErrTooLarge", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_ = cctx
	b2.Release(900)
	if err := <-waiting; err != nil {
		t.Errorf("the waiter: %v", err)
	}
}

func TestBudgetCancelledWhileWaiting(t *testing.T) {
	b := NewBudget(100, "")
	b.begin()
	b.begin()
	if err := b.Reserve(context.Background(), 90); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() { got <- b.Reserve(ctx, 50) }()
	waitFor(t, "a waiter", func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiting == 1 })
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// storeEntry makes an entry holding n reserved bytes, as a load would.
func storeEntry(t *testing.T, s *Store, key string, n int64) *Entry {
	t.Helper()
	if err := s.budget.Reserve(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	e := &Entry{Key: key, Kind: KindFile, bytes: n}
	s.put(e)
	return e
}

func keys(es []*Entry) []string {
	var ks []string
	for _, e := range es {
		ks = append(ks, e.Key)
	}
	return ks
}

func TestStoreEvictsLeastRecentlyUsedUnpinned(t *testing.T) {
	s := NewStore(NewBudget(1000, ""))
	a := storeEntry(t, s, "a", 300)
	storeEntry(t, s, "b", 300)
	storeEntry(t, s, "c", 300)
	s.Pin(a)
	s.Get("b") // b is now newer than c
	// 400 more: c (least recently used, unpinned) goes, not a (pinned).
	d := storeEntry(t, s, "d", 400)
	if got := keys(s.PollEvicted(nil)); fmt.Sprint(got) != "[c]" {
		t.Errorf("evicted %v, want [c]", got)
	}
	if _, ok := s.Get("a"); !ok {
		t.Error("the pinned entry was evicted")
	}
	if used := s.budget.Used(); used != 1000 {
		t.Errorf("used %d, want 1000", used)
	}
	// A reload replaces the entry and releases the old one; while it
	// loads, the old one is still held (it stays on screen), so making
	// room for the new one evicted b.
	storeEntry(t, s, "d", 100)
	if got := keys(s.PollEvicted(nil)); fmt.Sprint(got) != "[b d]" {
		t.Errorf("evicted %v, want b, then the replaced d", got)
	}
	if e, _ := s.Get("d"); e == d {
		t.Error("the old d is still there")
	}
	if used, st := s.budget.Used(), s.Stats(); used != 400 || st.Bytes != 400 || st.Evictions != 2 || st.Replaced != 1 {
		t.Errorf("used %d, stats %+v", used, st)
	}
	s.Unpin(a)
}

func TestStoreCountsRendererAndAnalysis(t *testing.T) {
	s := NewStore(NewBudget(1000, ""))
	a := storeEntry(t, s, "a", 400)
	b := storeEntry(t, s, "b", 400)
	s.Pin(b)
	// b's renderer buffers take the budget over: a goes.
	s.SetRendererBytes(b, 300)
	if got := keys(s.PollEvicted(nil)); fmt.Sprint(got) != "[a]" {
		t.Errorf("evicted %v, want [a]", got)
	}
	if used := s.budget.Used(); used != 700 {
		t.Errorf("used %d, want 700", used)
	}
	s.SetRendererBytes(b, 100) // the renderer let go of some
	if used := s.budget.Used(); used != 500 {
		t.Errorf("used %d, want 500", used)
	}
	s.SetDerived(b, "analysis", "report", 50)
	if got := b.Derived("analysis"); got != "report" || s.budget.Used() != 550 {
		t.Errorf("analysis %v, used %d", got, s.budget.Used())
	}
	// Replacing a kind releases the old one's bytes; dropping it releases
	// the rest.
	s.SetDerived(b, "smooth", "normals", 40)
	s.SetDerived(b, "smooth", "finer normals", 60)
	if got := b.Derived("smooth"); got != "finer normals" || s.budget.Used() != 610 {
		t.Errorf("smooth %v, used %d; want the new normals and 610", got, s.budget.Used())
	}
	s.DropDerived(b, "smooth")
	s.DropDerived(b, "never set")
	if got := b.Derived("smooth"); got != nil || s.budget.Used() != 550 || s.Stats().Bytes != 550 {
		t.Errorf("after dropping: smooth %v, used %d, stats %d; want nil and 550", got, s.budget.Used(), s.Stats().Bytes)
	}
	// A released entry takes nothing more.
	s.SetDerived(a, "analysis", "late", 10)
	s.SetRendererBytes(a, 10)
	if used := s.budget.Used(); used != 550 {
		t.Errorf("used %d after attaching to a released entry, want 550", used)
	}
	s.Unpin(b)
	if !s.Remove("b") || s.budget.Used() != 0 {
		t.Errorf("after removing everything, used %d", s.budget.Used())
	}
}

// TestLoaderWithStore loads files into a Store that cannot hold them all:
// it never holds more than its budget, every load completes (older
// entries make room), and the Store lists what it let go.
func TestLoaderWithStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := stltest.Torus(200) // 3200 faces
	one := m.Indexed().SizeBytes()
	var built atomic.Int64
	// Room for a decode's working memory and three or four meshes.
	s := NewStore(NewBudget(1<<20+3*one+one/2, "--cache-mb"))
	levels := func(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error) {
		built.Add(1)
		return []*mesh.Mesh{stltest.Torus(4).Indexed()}, nil
	}
	l := newLoader(t, Config{Workers: 2, Indexed: true, Store: s, Levels: levels})
	var hs []*Handle
	for i := range 10 {
		hs = append(hs, queue(t, l, stltest.WriteMesh(t, dir, fmt.Sprintf("%d.stl", i), m), Normal, QueueOptions{}))
	}
	var evicted []*Entry
	for _, h := range hs {
		r := wait(t, h)
		if r.State != Completed || r.Entry == nil || r.Entry.Mesh != r.Mesh || len(r.Entry.Levels) != 1 || r.Kind != KindFile {
			t.Fatalf("%s: %v %v, entry %v", h.Source(), r.State, r.Err, r.Entry)
		}
		if r.Entry.Key != h.Key() || h.Key() != filepath.Join(dir, filepath.Base(h.Source())) {
			t.Errorf("key %q, handle key %q", r.Entry.Key, h.Key())
		}
		if used := s.budget.Used(); used > s.budget.Limit() {
			t.Errorf("the store holds %d bytes over its %d budget", used, s.budget.Limit())
		}
		evicted = s.PollEvicted(evicted)
	}
	if built.Load() != 10 {
		t.Errorf("levels built %d times, want 10", built.Load())
	}
	if len(evicted) < 6 {
		t.Errorf("%d entries evicted, want at least 6 of 10", len(evicted))
	}
	if st := s.Stats(); st.Entries+len(evicted) != 10 {
		t.Errorf("%d entries held and %d evicted, want 10 in all", st.Entries, len(evicted))
	}
}

// TestReleaseWithoutStore checks that a Loader with only a Budget leaves
// each completed mesh's reservation with its Result, and nothing once
// released, or after failures.
func TestReleaseWithoutStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := NewBudget(1<<30, "")
	l := newLoader(t, Config{Workers: 2, Indexed: true, Budget: b})
	good := wait(t, queue(t, l, stltest.WriteTorus(t, dir, "good.stl", 40), Normal, QueueOptions{}))
	if good.State != Completed {
		t.Fatal(good.Err)
	}
	if used := b.Used(); used != good.Mesh.SizeBytes() {
		t.Errorf("used %d, want the mesh's %d", used, good.Mesh.SizeBytes())
	}
	bad := wait(t, queue(t, l, stltest.WriteFile(t, dir, "bad.stl", []byte("solid x\nfacet\n")), Normal, QueueOptions{}))
	if bad.State != Failed {
		t.Fatal("bad.stl loaded")
	}
	good.Release()
	good.Release()
	if used := b.Used(); used != 0 {
		t.Errorf("after Release, used %d", used)
	}
	// The error is a SourceError naming the source as given.
	var se *SourceError
	if !errors.As(bad.Err, &se) || se.Source != bad.Source {
		t.Errorf("got %T %v, want a *SourceError for %s", bad.Err, bad.Err, bad.Source)
	}
	var pe *mesh.ParseError
	if !errors.As(bad.Err, &pe) {
		t.Errorf("the cause %v is not a *mesh.ParseError", bad.Err)
	}
}

// TestTooLargeForBudget checks that a load bigger than the budget fails
// with ErrTooLarge, not memory, and names the budget.
func TestTooLargeForBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := newLoader(t, Config{Workers: 1, Indexed: true, Budget: NewBudget(10_000, "--cache-mb")})
	r := wait(t, queue(t, l, stltest.WriteTorus(t, dir, "big.stl", 400), Normal, QueueOptions{}))
	if !errors.Is(r.Err, mesh.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", r.Err)
	}
	var be *mesh.BudgetError
	if !errors.As(r.Err, &be) || be.Source != "--cache-mb" {
		t.Errorf("got %v, want a BudgetError naming --cache-mb", r.Err)
	}
}

func TestStagesAndKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stltest.WriteTorus(t, dir, "sub/a.stl", 8)
	entered, release := make(chan struct{}), make(chan struct{})
	levels := func(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error) {
		close(entered)
		<-release
		return nil, nil
	}
	l := newLoader(t, Config{Workers: 1, Indexed: true, Store: NewStore(NewBudget(1<<30, "")), Levels: levels})
	folder := wait(t, queue(t, l, dir, Normal, QueueOptions{}))
	if folder.Kind != KindFolder || folder.Mesh != nil || len(folder.Children) != 1 {
		t.Fatalf("folder: kind %v, %d children", folder.Kind, len(folder.Children))
	}
	h := folder.Children[0]
	<-entered
	if st := l.Status(h); st.State != Loading || st.Stage != StageSimplifying {
		t.Errorf("while building levels: %v, stage %v; want loading, simplifying", st.State, st.Stage)
	}
	close(release)
	r := wait(t, h)
	if r.Kind != KindFile || r.State != Completed {
		t.Fatalf("file: kind %v, %v", r.Kind, r.Err)
	}
	if st := l.Status(h); st.Stage != StageNone {
		t.Errorf("stage once settled: %v", st.Stage)
	}
	if !IsURL("HTTPS://example.com/x.stl") || IsURL("/tmp/http:/x.stl") {
		t.Error("IsURL")
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	l := newLoader(t, Config{Workers: 2})
	ran := make(chan int, 1)
	h, err := l.Do("analysis:x", Low, func(ctx context.Context, threads int) error {
		ran <- threads
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := wait(t, h); r.State != Completed || r.Mesh != nil {
		t.Fatalf("got %v %v", r.State, r.Err)
	}
	if n := <-ran; n < 1 {
		t.Errorf("threads %d", n)
	}
	bad := errors.New("no")
	h, _ = l.Do("analysis:y", Low, func(ctx context.Context, threads int) error { return bad })
	if r := wait(t, h); !errors.Is(r.Err, bad) {
		t.Errorf("got %v, want the work's error", r.Err)
	}
	h, _ = l.Do("analysis:z", Low, func(ctx context.Context, threads int) error { panic("boom") })
	var pe *PanicError
	if r := wait(t, h); !errors.As(r.Err, &pe) {
		t.Errorf("got %v, want a PanicError", r.Err)
	}
	if _, err := l.Do("", Low, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
}
