package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stlview/stlview/internal/stltest"
)

// benchFiles writes three small parts and returns their paths and total
// size.
func benchFiles(t *testing.T) (paths []string, bytes int64) {
	dir := t.TempDir()
	for i, ascii := range []bool{false, true, false} {
		data := stltest.Encode(t, torus(), ascii)
		paths = append(paths, stltest.WriteFile(t, dir, fmt.Sprintf("part%d.stl", i), data))
		bytes += int64(len(data))
	}
	return paths, bytes
}

func TestBenchJSON(t *testing.T) {
	paths, size := benchFiles(t)
	code, out, errOut := runCmd(t, append([]string{"--bench", "--json", "--workers", "1,2"}, paths...)...)
	if code != exitOK || errOut != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	type row struct {
		Method      string   `json:"method"`
		Workers     int      `json:"workers"`
		MS          *float64 `json:"ms"`
		Files       int      `json:"files"`
		Bytes       int64    `json:"bytes"`
		FilesPerSec float64  `json:"files_per_s"`
		Speedup     float64  `json:"speedup"`
	}
	var got []string
	for _, m := range jsonLines(t, out) {
		b, _ := json.Marshal(m)
		var r row
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d", r.Method, r.Workers))
		if r.MS == nil || *r.MS < 0 || r.Files != len(paths) || r.Bytes != size || r.FilesPerSec <= 0 || r.Speedup <= 0 {
			t.Errorf("row %s: want ms ≥ 0, %d files, %d bytes, positive files/s and speedup", b, len(paths), size)
		}
	}
	if want := "sync/1 loader/1 loader/2"; strings.Join(got, " ") != want {
		t.Errorf("got rows %q, want %q", strings.Join(got, " "), want)
	}
}

func TestBenchTable(t *testing.T) {
	paths, _ := benchFiles(t)
	code, out, _ := runCmd(t, append([]string{"--bench", "-w", "2"}, paths...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != exitOK || len(lines) != 6 {
		t.Fatalf("got exit %d and %d lines, want 0 and 6 (summary, blank, header, rule, sync, loader):\n%s", code, len(lines), out)
	}
	if want := "3 files, 204 kB; the median of 7 runs after a warm-up, and their range"; lines[0] != want {
		t.Errorf("got summary %q, want %q", lines[0], want)
	}
	if lines[2] != "| method | workers | wall ms | range ms | files/s | MB/s | speedup |" {
		t.Errorf("got header %q", lines[2])
	}
	for i, prefix := range []string{"|---", "| sync | 1 |", "| loader | 2 |"} {
		if !strings.HasPrefix(lines[i+3], prefix) || !strings.HasSuffix(lines[i+3], "|") {
			t.Errorf("line %d: got %q, want a row starting %q", i+4, lines[i+3], prefix)
		}
	}
	if !strings.HasSuffix(lines[4], "| 1.00x |") {
		t.Errorf("the sync row's speedup: got %q, want 1.00x", lines[4])
	}
	// The range column is min–max around the median.
	cols := strings.Split(lines[5], "|")
	lo, hi, ok := strings.Cut(strings.TrimSpace(cols[4]), "–")
	med, err := strconv.ParseFloat(strings.TrimSpace(cols[3]), 64)
	l, errL := strconv.ParseFloat(lo, 64)
	h, errH := strconv.ParseFloat(hi, 64)
	if !ok || err != nil || errL != nil || errH != nil || l > med || med > h {
		t.Errorf("loader row %q: want a median inside its range", lines[5])
	}
}

// TestBenchBrokenFile: a file that fails is named on standard error and
// left out; the others are still timed and the run exits 1.
func TestBenchBrokenFile(t *testing.T) {
	paths, size := benchFiles(t)
	broken := stltest.WriteFile(t, t.TempDir(), "broken.stl", []byte(badVertexSTL))
	code, out, errOut := runCmd(t, append([]string{"--bench", "--json", "--workers", "1"}, append(paths, broken)...)...)
	if code != exitFailed || !strings.HasPrefix(errOut, "stlview: "+broken+": line 5: ") {
		t.Errorf("got exit %d, stderr %q; want %d and an error naming %s and its line", code, errOut, exitFailed, broken)
	}
	rows := jsonLines(t, out)
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want sync and loader for the good files:\n%s", len(rows), out)
	}
	for _, r := range rows {
		if fmt.Sprint(r["files"]) != fmt.Sprint(len(paths)) || fmt.Sprint(r["bytes"]) != fmt.Sprint(size) {
			t.Errorf("row %v: want %d files, %d bytes (the broken one left out)", r, len(paths), size)
		}
		if runs, _ := r["runs_ms"].([]any); len(runs) != 7 {
			t.Errorf("row %v: want 7 runs", r)
		}
	}
}
