package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/stlview/stlview/internal/asyncload"
)

// benchRecord is one line of stlview --bench --json.
type benchRecord struct {
	Method      string  `json:"method"`
	Workers     int     `json:"workers"`
	MS          float64 `json:"ms"`
	Files       int     `json:"files"`
	Bytes       int64   `json:"bytes"`
	FilesPerSec float64 `json:"files_per_s"`
	MBPerSec    float64 `json:"mb_per_s"`
	Speedup     float64 `json:"speedup"`
}

// runBench times loading the files once synchronously and once through a
// cold Loader per worker count, and prints a Markdown table (or JSON
// lines).
func runBench(cfg *config, stdout, stderr io.Writer) int {
	files, err := expandFolders(cfg.paths)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	workers := cfg.workers
	if len(workers) == 0 {
		workers = []int{1, runtime.NumCPU()}
	}
	rows, err := asyncload.Bench(context.Background(), files, workers)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			err := enc.Encode(benchRecord{r.Method, r.Workers, float64(r.Wall.Microseconds()) / 1000, r.Files, r.Bytes, r.FilesPerSec, r.MBPerSec, r.Speedup})
			if err != nil {
				fmt.Fprintln(stderr, "stlview:", err)
				return exitFailed
			}
		}
		return exitOK
	}
	fmt.Fprintln(stdout, "| method | workers | wall ms | files/s | MB/s | speedup |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(stdout, "| %s | %d | %.1f | %.0f | %.0f | %.2fx |\n",
			r.Method, r.Workers, float64(r.Wall.Microseconds())/1000, r.FilesPerSec, r.MBPerSec, r.Speedup)
	}
	return exitOK
}
