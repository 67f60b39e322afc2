package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/explain"
	"github.com/stlview/stlview/internal/mesh"
)

// benchRuns is how many timed passes each method of --bench makes, after
// one to warm up: its median is reported, with the fastest and slowest.
const benchRuns = 7

// benchRecord is one line of stlview --bench --json.
type benchRecord struct {
	Method      string    `json:"method"`
	Workers     int       `json:"workers"`
	MS          float64   `json:"ms"` // the median run
	MinMS       float64   `json:"min_ms"`
	MaxMS       float64   `json:"max_ms"`
	RunsMS      []float64 `json:"runs_ms"`
	Files       int       `json:"files"`
	Bytes       int64     `json:"bytes"`
	FilesPerSec float64   `json:"files_per_s"`
	MBPerSec    float64   `json:"mb_per_s"`
	Speedup     float64   `json:"speedup"`
}

// runBench times loading the files: synchronously and through a cold
// Loader per worker count, each method several times after a warm-up. It
// prints a Markdown table of medians and spreads, or JSON lines. A file
// that does not load is reported on stderr and left out; the others are
// still measured, and the exit code says a file failed.
func runBench(cfg *config, stdout, stderr io.Writer) int {
	files, errs := listSources(cfg.paths)
	code := exitOK
	for _, e := range errs {
		fmt.Fprintln(stderr, "stlview:", explain.Line(e.source, e.err))
		code = exitFailed
	}
	budget := cfg.budget()
	var good []string
	for _, f := range files {
		m, err := (mesh.Decoder{Budget: budget}).ReadFile(context.Background(), f.path)
		if err != nil {
			fmt.Fprintln(stderr, "stlview:", explain.Line(f.path, err))
			code = exitFailed
			continue
		}
		budget.Release(m.SizeBytes())
		good = append(good, f.path)
	}
	if len(good) == 0 {
		fmt.Fprintln(stderr, "stlview: no file to measure")
		return exitFailed
	}
	workers := cfg.workers
	if len(workers) == 0 {
		workers = []int{1, runtime.NumCPU()}
	}
	rows, err := asyncload.Bench(context.Background(), good, workers, benchRuns, budget)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			rec := benchRecord{r.Method, r.Workers, msOf(r.Wall), msOf(r.Min), msOf(r.Max), nil, r.Files, r.Bytes, r.FilesPerSec, r.MBPerSec, r.Speedup}
			for _, d := range r.Runs {
				rec.RunsMS = append(rec.RunsMS, msOf(d))
			}
			if err := enc.Encode(rec); err != nil {
				fmt.Fprintln(stderr, "stlview:", explain.Error(err))
				return exitFailed
			}
		}
		return code
	}
	fmt.Fprintf(stdout, "%d files, %s; the median of %d runs after a warm-up, and their range\n\n", len(good), mesh.FormatBytes(rows[0].Bytes), benchRuns)
	fmt.Fprintln(stdout, "| method | workers | wall ms | range ms | files/s | MB/s | speedup |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(stdout, "| %s | %d | %.1f | %.1f–%.1f | %.0f | %.0f | %.2fx |\n",
			r.Method, r.Workers, msOf(r.Wall), msOf(r.Min), msOf(r.Max), r.FilesPerSec, r.MBPerSec, r.Speedup)
	}
	return code
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
