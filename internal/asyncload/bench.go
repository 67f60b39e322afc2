package asyncload

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/stlview/stlview/internal/mesh"
)

// BenchRow is one method of Bench: its passes over all the files.
type BenchRow struct {
	Method      string // "sync" or "loader"
	Workers     int    // 1 for "sync"
	Runs        []time.Duration
	Wall        time.Duration // the median of Runs
	Min, Max    time.Duration // of Runs
	Files       int
	Bytes       int64   // file sizes summed
	FilesPerSec float64 // Files / Wall
	MBPerSec    float64 // Bytes / Wall, in 10⁶ bytes per second
	Speedup     float64 // the sync row's Wall / this Wall
}

// Bench measures loading files synchronously and through Loaders, for
// stlview --bench. It first reads every file once, untimed, so all passes
// find them in the page cache; then, for each method, runs one untimed
// pass to warm up and runs timed passes (as hyperfine does): decoding
// them one after another on one goroutine (mesh.Decoder{Workers:
// 1}.ReadFile in a loop, the "sync" row), and for each count in workers,
// queueing them all on a new Loader with that many workers and waiting
// for every load (a "loader" row). A row reports the median of its runs,
// and the fastest and slowest. Every pass keeps its meshes until it ends,
// as a viewer would: dropping each at once would make the collector run
// every few files and, on a machine whose cores the workers fill, compete
// with them. The heap is collected before each pass, so no pass pays for
// another's garbage. Any load error ends the benchmark with that error
// (check the files first). The caller owns the rows.
func Bench(ctx context.Context, files []string, workers []int, runs int, budget *Budget) ([]BenchRow, error) {
	runs = max(1, runs)
	var bytes int64
	for _, name := range files {
		n, err := readAll(name)
		if err != nil {
			return nil, err
		}
		bytes += n
	}
	row := func(method string, n int, times []time.Duration) BenchRow {
		sorted := slices.Clone(times)
		slices.Sort(sorted)
		wall := sorted[len(sorted)/2]
		return BenchRow{
			Method: method, Workers: n, Runs: times, Wall: wall, Min: sorted[0], Max: sorted[len(sorted)-1],
			Files: len(files), Bytes: bytes,
			FilesPerSec: float64(len(files)) / wall.Seconds(),
			MBPerSec:    float64(bytes) / 1e6 / wall.Seconds(),
		}
	}
	// measure runs pass once untimed, then runs times timed.
	measure := func(pass func() (time.Duration, error)) ([]time.Duration, error) {
		var times []time.Duration
		for i := range runs + 1 {
			runtime.GC()
			d, err := pass()
			if err != nil {
				return nil, err
			}
			if i > 0 {
				times = append(times, d)
			}
		}
		return times, nil
	}

	times, err := measure(func() (time.Duration, error) { return benchSync(ctx, files, budget) })
	if err != nil {
		return nil, err
	}
	rows := []BenchRow{row("sync", 1, times)}
	for _, n := range workers {
		if n <= 0 {
			return nil, fmt.Errorf("asyncload: Bench: %w: %d workers", ErrInvalid, n)
		}
		times, err := measure(func() (time.Duration, error) { return benchLoader(ctx, files, n, budget) })
		if err != nil {
			return nil, err
		}
		rows = append(rows, row("loader", n, times))
	}
	for i := range rows {
		rows[i].Speedup = rows[0].Wall.Seconds() / rows[i].Wall.Seconds()
	}
	return rows, nil
}

// benchSync decodes files one after another on this goroutine and returns
// the wall time, keeping the meshes (and their reservations from budget,
// when not nil) until the end.
func benchSync(ctx context.Context, files []string, budget *Budget) (time.Duration, error) {
	meshes := make([]*mesh.Mesh, len(files)) // kept, as the Loader passes keep theirs
	d := mesh.Decoder{Workers: 1}
	if budget != nil {
		d.Budget = budget
		defer func() {
			for _, m := range meshes {
				if m != nil {
					budget.Release(m.SizeBytes())
				}
			}
		}()
	}
	start := time.Now()
	for i, name := range files {
		m, err := d.ReadFile(ctx, name)
		if err != nil {
			return 0, err
		}
		meshes[i] = m
	}
	return time.Since(start), nil
}

// benchLoader loads files on a new Loader of n workers and returns the
// wall time from the first Queue to the last load's end.
func benchLoader(ctx context.Context, files []string, n int, budget *Budget) (time.Duration, error) {
	l, err := New(Config{Workers: n, Budget: budget})
	if err != nil {
		return 0, err
	}
	defer l.Close()
	var results []Result
	defer func() {
		for _, r := range results {
			r.Release()
		}
	}()
	start := time.Now()
	for _, h := range l.QueueBatch(files, Normal) {
		select {
		case <-h.Done():
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		r, _ := h.Result()
		results = append(results, r)
		if r.Err != nil {
			return 0, r.Err
		}
	}
	return time.Since(start), nil
}

// readAll reads the file at name to its end, discarding the bytes, and
// returns how many there were.
func readAll(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close() // read-only: closing cannot lose data
	return io.Copy(io.Discard, f)
}
