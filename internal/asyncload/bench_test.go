package asyncload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/mesh"
)

func TestBench(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var files []string
	for i := range 4 {
		files = append(files, stltest.WriteTorus(t, dir, fmt.Sprintf("%d.stl", i), 10))
	}
	budget := NewBudget(64<<20, "--cache-mb")
	rows, err := Bench(context.Background(), files, []int{1, 2}, 3, budget)
	if err != nil {
		t.Fatal(err)
	}
	if budget.Used() != 0 {
		t.Errorf("after Bench, %d bytes of the budget are still reserved", budget.Used())
	}
	want := []struct {
		method  string
		workers int
	}{{"sync", 1}, {"loader", 1}, {"loader", 2}}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	size := int64(len(stltest.Encode(t, mesh.Torus(2, 0.5, 8, 10), false)))
	for i, r := range rows {
		if r.Method != want[i].method || r.Workers != want[i].workers {
			t.Errorf("row %d: got %s/%d, want %s/%d", i, r.Method, r.Workers, want[i].method, want[i].workers)
		}
		if r.Files != 4 || r.Bytes != 4*size || r.Wall <= 0 || r.FilesPerSec <= 0 || r.MBPerSec <= 0 || r.Speedup <= 0 {
			t.Errorf("row %d: got %+v; want 4 files, %d bytes, positive rates", i, r, 4*size)
		}
		if len(r.Runs) != 3 || r.Min > r.Wall || r.Wall > r.Max {
			t.Errorf("row %d: %d runs, min %v, median %v, max %v; want 3 runs around the median", i, len(r.Runs), r.Min, r.Wall, r.Max)
		}
	}
	if rows[0].Speedup != 1 {
		t.Errorf("sync speedup: got %v, want 1", rows[0].Speedup)
	}

	bad := append(files, filepath.Join(dir, "missing.stl"))
	if _, err := Bench(context.Background(), bad, []int{1}, 1, nil); err == nil {
		t.Error("Bench with a missing file: got no error")
	}
	if _, err := Bench(context.Background(), files, []int{0}, 1, nil); err == nil {
		t.Error("Bench with 0 workers: got no error")
	}
	// A budget too small for one file fails the run.
	if _, err := Bench(context.Background(), files, []int{1}, 1, NewBudget(1000, "--cache-mb")); !errors.Is(err, mesh.ErrTooLarge) {
		t.Errorf("Bench over its budget: got %v, want mesh.ErrTooLarge", err)
	}
}

// makeBenchFiles writes n copies of a 20 000-triangle torus (1 000 084
// bytes) into b.TempDir().
func makeBenchFiles(b *testing.B, n int) ([]string, int64) {
	b.Helper()
	var buf bytes.Buffer
	if err := mesh.EncodeBinary(&buf, mesh.Torus(2, 0.5, 100, 100), mesh.BinaryOptions{}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	files := make([]string, n)
	for i := range files {
		files[i] = stltest.WriteFile(b, dir, fmt.Sprintf("part%03d.stl", i), buf.Bytes())
	}
	if _, err := Bench(context.Background(), files[:1], nil, 1, nil); err != nil { // also warms the page cache
		b.Fatal(err)
	}
	return files, int64(n * buf.Len())
}

// BenchmarkLoad100 loads 100 files of 1 MB synchronously and through
// Loaders of 1 and 2 workers. Targets: loader-2 at least 1.8x faster than
// sync, and at most 150 ms for the set. goroutines-2 splits the files
// between two bare goroutines, no Loader: the most two cores give here, so
// loader-2 against it is the Loader's own overhead.
//
// Every variant keeps its 100 meshes until the pass ends, as a viewer
// would. (Dropping each mesh at once keeps the heap near its 4 MB minimum,
// so the collector runs every few files and, with both cores busy, takes
// one of them: the parallel variants would measure the collector.)
func BenchmarkLoad100(b *testing.B) {
	files, total := makeBenchFiles(b, 100)
	meshes := make([]*mesh.Mesh, len(files))
	decode := func(b *testing.B, i int) {
		m, err := (mesh.Decoder{Workers: 1}).ReadFile(context.Background(), files[i])
		if err != nil {
			b.Error(err)
		}
		meshes[i] = m
	}
	b.Run("sync", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			clear(meshes)
			for i := range files {
				decode(b, i)
			}
		}
	})
	b.Run("goroutines-2", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			clear(meshes)
			var wg sync.WaitGroup
			for w := range 2 {
				wg.Go(func() {
					for i := w; i < len(files); i += 2 {
						decode(b, i)
					}
				})
			}
			wg.Wait()
		}
	})
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("loader-%d", workers), func(b *testing.B) {
			l, err := New(Config{Workers: workers})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.SetBytes(total)
			b.ReportAllocs()
			var rs []Result
			for b.Loop() {
				for _, h := range l.QueueBatch(files, Normal) {
					<-h.Done()
				}
				rs = l.PollCompleted(rs[:0]) // the meshes live until the next pass
				for _, r := range rs {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
		})
	}
}

// BenchmarkRenderThread measures the calls a render loop makes every
// frame. Target: under 1 µs each; PollCompleted with nothing finished
// allocates nothing.
func BenchmarkRenderThread(b *testing.B) {
	dir := b.TempDir()
	b.Run("Queue", func(b *testing.B) {
		l, err := New(Config{Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		const batch = 4096
		sources := make([]string, batch) // missing files: workers fail them quickly
		for i := range sources {
			sources[i] = filepath.Join(dir, fmt.Sprintf("missing%04d.stl", i))
		}
		hs := make([]*Handle, 0, batch)
		var rs []Result
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			h, err := l.Queue(sources[i], Normal, QueueOptions{})
			if err != nil {
				b.Fatal(err)
			}
			hs = append(hs, h)
			if i++; i == batch { // untimed: settle the batch, so the queue stays small
				b.StopTimer()
				for _, h := range hs {
					l.Cancel(h)
				}
				rs = l.PollCompleted(rs[:0])
				hs, i = hs[:0], 0
				b.StartTimer()
			}
		}
	})
	b.Run("Status", func(b *testing.B) {
		g := stltest.NewGate("a.stl") // held while Loading, the state Status does most for
		l, err := New(Config{Workers: 1, Process: g.Process})
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		h, err := l.Queue(stltest.WriteTorus(b, dir, "a.stl", 4), Normal, QueueOptions{})
		if err != nil {
			b.Fatal(err)
		}
		g.WaitHeld(b, eventually)
		b.ReportAllocs()
		for b.Loop() {
			if s := l.Status(h); s.State != Loading || s.Progress != 1 {
				b.Fatalf("got %v at %v, want loading at 1 (read, held in Process)", s.State, s.Progress)
			}
		}
	})
	b.Run("PollCompletedEmpty", func(b *testing.B) {
		l, err := New(Config{Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		buf := make([]Result, 0, 16)
		b.ReportAllocs()
		for b.Loop() {
			buf = l.PollCompleted(buf[:0])
		}
		if len(buf) != 0 {
			b.Fatal("results from an idle loader")
		}
	})
}

// BenchmarkCancel10000 queues 10 000 loads behind the only worker, held
// busy, and cancels them all. The ms/cancel-all metric times the cancels
// until every handle is Done (target: under 50 ms); ns/op also counts
// QueueBatch. Close then leaves no goroutine (TestMain checks that).
func BenchmarkCancel10000(b *testing.B) {
	dir := b.TempDir()
	sources := make([]string, 10000)
	for i := range sources {
		sources[i] = filepath.Join(dir, fmt.Sprintf("%05d.stl", i))
	}
	busy := stltest.WriteTorus(b, dir, "busy.stl", 4)
	var cancelling time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		g := stltest.NewGate("busy.stl")
		l, err := New(Config{Workers: 1, Process: g.Process})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.Queue(busy, Normal, QueueOptions{}); err != nil {
			b.Fatal(err)
		}
		g.WaitHeld(b, eventually)
		b.StartTimer()

		hs := l.QueueBatch(sources, Normal)
		start := time.Now()
		for _, h := range hs {
			l.Cancel(h)
		}
		for _, h := range hs {
			<-h.Done()
			if s := l.Status(h); s.State != Cancelled {
				b.Fatalf("%s: got %v, want cancelled", h.Source(), s.State)
			}
		}
		cancelling += time.Since(start)

		b.StopTimer()
		g.Release()
		l.Close()
		b.StartTimer()
	}
	b.ReportMetric(cancelling.Seconds()*1e3/float64(b.N), "ms/cancel-all")
}
