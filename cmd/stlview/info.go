package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stlview/stlview/internal/asyncload"
)

// infoRecord is one line of stlview --info --json.
type infoRecord struct {
	Path       string      `json:"path"`
	OK         bool        `json:"ok"`
	Triangles  int         `json:"triangles"`
	Dropped    int         `json:"dropped"`
	Degenerate int         `json:"degenerate"`
	Bounds     *infoBounds `json:"bounds"` // null for a mesh without faces or a failure
	Format     string      `json:"format,omitempty"`
	Compressed bool        `json:"compressed,omitempty"`
	Solids     int         `json:"solids,omitempty"`
	Bytes      int64       `json:"bytes"`
	Error      string      `json:"error,omitempty"`
	MS         float64     `json:"ms"`
}

type infoBounds struct {
	Min [3]float32 `json:"min"`
	Max [3]float32 `json:"max"`
}

// runInfo loads the paths through a Loader and prints one line per file:
// text, or with --json one JSON object per line. It returns exitFailed if
// any file failed.
func runInfo(cfg *config, stdout, stderr io.Writer) int {
	l, err := asyncload.New(asyncload.Config{Workers: cfg.loaderWorkers()})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	defer l.Close()
	code := exitOK
	enc := json.NewEncoder(stdout)
	loadAll(l, cfg.paths, asyncload.Normal, func(r asyncload.Result) {
		rec := newInfoRecord(r)
		if !rec.OK {
			code = exitFailed
		}
		if cfg.json {
			if err := enc.Encode(rec); err != nil {
				fmt.Fprintln(stderr, "stlview:", err)
				code = exitFailed
			}
			return
		}
		fmt.Fprintln(stdout, rec.text())
	})
	return code
}

func newInfoRecord(r asyncload.Result) infoRecord {
	rec := infoRecord{Path: r.Source, OK: r.Err == nil, Bytes: r.Bytes, MS: float64(r.Duration.Microseconds()) / 1000}
	if r.Err != nil {
		rec.Error = r.Err.Error()
		return rec
	}
	m := r.Mesh
	rec.Triangles, rec.Dropped, rec.Degenerate = m.Faces(), m.Dropped, m.Degenerate
	rec.Format, rec.Compressed, rec.Solids = m.Format.String(), m.Compressed, len(m.Solids)
	if !m.Bounds.IsEmpty() {
		rec.Bounds = &infoBounds{Min: m.Bounds.Min, Max: m.Bounds.Max}
	}
	return rec
}

// text returns the record as one line for people.
func (r infoRecord) text() string {
	if !r.OK {
		if strings.Contains(r.Error, r.Path) {
			return r.Error // it names the file already
		}
		return fmt.Sprintf("%s: %s", r.Path, r.Error)
	}
	s := fmt.Sprintf("%s: %d triangles", r.Path, r.Triangles)
	if r.Dropped > 0 || r.Degenerate > 0 {
		s += fmt.Sprintf(" (%d dropped, %d degenerate)", r.Dropped, r.Degenerate)
	}
	s += ", " + r.Format
	if r.Compressed {
		s += " gzip"
	}
	if r.Solids > 1 {
		s += fmt.Sprintf(", %d solids", r.Solids)
	}
	if b := r.Bounds; b != nil {
		s += fmt.Sprintf(", bounds %v..%v", fmtVec(b.Min), fmtVec(b.Max))
	}
	return s + fmt.Sprintf(", %.1f ms", r.MS)
}

func fmtVec(v [3]float32) string { return fmt.Sprintf("(%.4g %.4g %.4g)", v[0], v[1], v[2]) }
