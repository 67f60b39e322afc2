package main

import (
	"encoding/json"
	"fmt"
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
	if code != exitOK || len(lines) != 4 {
		t.Fatalf("got exit %d and %d lines, want 0 and 4 (header, rule, sync, loader):\n%s", code, len(lines), out)
	}
	if lines[0] != "| method | workers | wall ms | files/s | MB/s | speedup |" {
		t.Errorf("got header %q", lines[0])
	}
	for i, prefix := range []string{"|---", "| sync | 1 |", "| loader | 2 |"} {
		if !strings.HasPrefix(lines[i+1], prefix) || !strings.HasSuffix(lines[i+1], "|") {
			t.Errorf("line %d: got %q, want a row starting %q", i+2, lines[i+1], prefix)
		}
	}
	if !strings.HasSuffix(lines[2], "| 1.00x |") {
		t.Errorf("the sync row's speedup: got %q, want 1.00x", lines[2])
	}
}

func TestBenchBrokenFile(t *testing.T) {
	paths, _ := benchFiles(t)
	broken := stltest.WriteFile(t, t.TempDir(), "broken.stl", []byte(badVertexSTL))
	code, out, errOut := runCmd(t, append([]string{"--bench", "--json", "--workers", "1"}, append(paths, broken)...)...)
	if code != exitFailed || out != "" || !strings.Contains(errOut, broken) {
		t.Errorf("got exit %d, stdout %q, stderr %q; want %d, nothing, an error naming %s", code, out, errOut, exitFailed, broken)
	}
}
