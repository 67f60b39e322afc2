package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/stlview/stlview/internal/analysis"
	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/explain"
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
	Colors     int         `json:"colors,omitempty"` // faces with a colour of their own
	Bytes      int64       `json:"bytes"`            // the file's size (a download's length)
	Error      string      `json:"error,omitempty"`
	MS         float64     `json:"ms"`

	// Area always; Volume only for a watertight, consistently wound mesh
	// (null otherwise); with --check, the topology.
	Area   *float64   `json:"area,omitempty"`
	Volume *float64   `json:"volume"`
	Check  *infoCheck `json:"-"`
}

// infoCheck is what --check adds to a record's JSON object.
type infoCheck struct {
	InsideOut        bool `json:"inside_out"`
	Watertight       bool `json:"watertight"`
	Shells           int  `json:"shells"`
	BoundaryEdges    int  `json:"boundary_edges"`
	Holes            int  `json:"holes"`
	NonManifoldEdges int  `json:"non_manifold_edges"`
	FlippedFaces     int  `json:"flipped_faces"`
}

type infoBounds struct {
	Min [3]float32 `json:"min"`
	Max [3]float32 `json:"max"`
}

// MarshalJSON writes the record with the check's fields in the same
// object.
func (r infoRecord) MarshalJSON() ([]byte, error) {
	type plain infoRecord
	if r.Check == nil {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		plain
		*infoCheck
	}{plain(r), r.Check})
}

// folderRecord is the line --info --json gives a folder whose walk
// skipped links that lead outside it.
type folderRecord struct {
	Path    string `json:"path"`
	Folder  bool   `json:"folder"`
	Skipped int    `json:"skipped"`
}

// runInfo loads the paths and prints one line per file: text on standard
// output, or with --json one JSON object per line. Failures go to standard
// error as "stlview: PATH: what is wrong" (with --json they stay in the
// JSON, and standard error gets a summary). It returns exitFailed if any
// source failed.
//
// Lines come in the order of the command line, a folder's files sorted,
// but each file is measured as soon as it loads and its mesh let go then:
// a file waiting for its turn to be printed holds a line, not a mesh, so
// files that fit the memory budget one by one never fail for being many.
func runInfo(cfg *config, stdout, stderr io.Writer) int {
	budget := cfg.budget()
	l, err := asyncload.New(asyncload.Config{Workers: cfg.loaderWorkers(), Indexed: true, Budget: budget, HTTPTimeout: cfg.httpIdle})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	defer l.Close()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed, total := 0, 0
	print := func(sl *infoSlot) {
		r := &sl.result
		if sl.folder {
			if r.Skipped > 0 {
				if cfg.json {
					enc.Encode(folderRecord{Path: asyncload.Redact(r.Source), Folder: true, Skipped: r.Skipped})
				} else {
					fmt.Fprintf(stderr, "stlview: %s: skipped %d %s that lead outside it\n", explain.Name(r.Source), r.Skipped, plural(r.Skipped, "link", "links"))
				}
			}
			return
		}
		total++
		rec := sl.rec
		if !rec.OK {
			failed++
		}
		switch {
		case cfg.json:
			if err := enc.Encode(rec); err != nil {
				fmt.Fprintln(stderr, "stlview:", explain.Error(err))
				failed++
			}
		case !rec.OK:
			fmt.Fprintln(stderr, "stlview:", explain.Line(r.Source, r.Err))
		default:
			fmt.Fprintln(stdout, rec.text(cfg.units, cfg.check))
		}
	}
	measure := func(r asyncload.Result) infoRecord { return newInfoRecord(r, cfg.check) }
	inOrder(l, l.QueueBatch(cfg.paths, asyncload.Normal), measure, print)
	if failed > 0 {
		if cfg.json {
			fmt.Fprintf(stderr, "stlview: %d of %d %s failed\n", failed, total, plural(total, "source", "sources"))
		}
		return exitFailed
	}
	return exitOK
}

// infoSlot is one source's place in --info's output.
type infoSlot struct {
	result   asyncload.Result // settled, its mesh let go
	folder   bool
	rec      infoRecord // a file's record
	children []*infoSlot
	done     chan struct{} // closed once the fields above are set
}

// inOrder waits for the loads of handles (and of the files of folders
// among them) and calls measure on each file's result as soon as it
// settles, at most NumCPU at a time, releasing its mesh right after; then
// it calls print for each source in order (a folder before its files),
// on the caller's goroutine. Results are drained from l as they come, so
// l keeps no mesh either.
func inOrder(l *asyncload.Loader, handles []*asyncload.Handle, measure func(asyncload.Result) infoRecord, print func(*infoSlot)) {
	sem := make(chan struct{}, runtime.NumCPU())
	settled := make(chan struct{}, 1)
	var wg sync.WaitGroup
	var watch func(h *asyncload.Handle) *infoSlot
	watch = func(h *asyncload.Handle) *infoSlot {
		sl := &infoSlot{done: make(chan struct{})}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-h.Done()
			r, _ := h.Result()
			if r.Kind == asyncload.KindFolder && r.Err == nil {
				sl.folder = true
				for _, c := range r.Children {
					sl.children = append(sl.children, watch(c))
				}
			} else {
				sem <- struct{}{}
				sl.rec = measure(r)
				<-sem
			}
			r.Release()
			r.Mesh, r.Children = nil, nil
			sl.result = r
			close(sl.done)
			select {
			case settled <- struct{}{}:
			default:
			}
		}()
		return sl
	}
	var top []*infoSlot
	for _, h := range handles {
		top = append(top, watch(h))
	}
	var drained []asyncload.Result
	var walk func([]*infoSlot)
	walk = func(slots []*infoSlot) {
		for _, sl := range slots {
			for {
				select {
				case <-sl.done:
				case <-settled:
					drained = l.PollCompleted(drained[:0])
					clear(drained) // the slots have their results: drop the loader's copies
					continue
				}
				break
			}
			print(sl)
			walk(sl.children)
		}
	}
	walk(top)
	wg.Wait()
	clear(l.PollCompleted(drained[:0]))
}

// newInfoRecord describes a result; the mesh's analysis measures area,
// volume and, with check, the topology.
func newInfoRecord(r asyncload.Result, check bool) infoRecord {
	rec := infoRecord{Path: asyncload.Redact(r.Source), OK: r.Err == nil, Bytes: max(r.Size, r.Bytes), MS: float64(r.Duration.Microseconds()) / 1000}
	if r.Size >= 0 {
		rec.Bytes = r.Size
	}
	if r.Err != nil {
		rec.Error = explain.Error(r.Err)
		return rec
	}
	m := r.Mesh
	rec.Triangles, rec.Dropped, rec.Degenerate = m.Faces(), m.Dropped, m.Degenerate
	rec.Format, rec.Compressed, rec.Solids = m.Format.String(), m.Compressed, len(m.Solids)
	for _, c := range m.Colors {
		if c.A != 0 {
			rec.Colors++
		}
	}
	if !m.Bounds.IsEmpty() {
		rec.Bounds = &infoBounds{Min: m.Bounds.Min, Max: m.Bounds.Max}
	}
	rep, err := analysis.Analyze(context.Background(), m, analysis.Options{Workers: runtime.NumCPU()})
	if err != nil {
		rec.OK, rec.Error = false, explain.Error(err)
		return rec
	}
	area := rep.Area
	rec.Area = &area
	if v, ok := rep.Volume(); ok {
		rec.Volume = &v
	}
	if check {
		rec.Check = &infoCheck{
			InsideOut: rep.InsideOut, Watertight: rep.Watertight, Shells: rep.Shells,
			BoundaryEdges: rep.BoundaryEdges, Holes: rep.Holes, NonManifoldEdges: rep.NonManifoldEdges, FlippedFaces: rep.FlippedFaces,
		}
	}
	return rec
}

// text returns the record as one line for people; the path is quoted if
// it holds control characters, so it cannot forge a line.
func (r infoRecord) text(units string, check bool) string {
	s := fmt.Sprintf("%s: %d triangles", explain.Name(r.Path), r.Triangles)
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
	if r.Colors > 0 {
		s += fmt.Sprintf(", %d coloured faces", r.Colors)
	}
	if b := r.Bounds; b != nil {
		s += fmt.Sprintf(", bounds %v..%v", fmtVec(b.Min), fmtVec(b.Max))
	}
	u := ""
	if units != "" {
		u = " " + units
	}
	if r.Area != nil {
		s += fmt.Sprintf(", area %.6g%s", *r.Area, squared(u))
	}
	if r.Volume != nil {
		s += fmt.Sprintf(", volume %.6g%s", *r.Volume, cubed(u))
	} else if r.Area != nil {
		s += ", no volume (not closed)"
	}
	if c := r.Check; check && c != nil {
		if c.Watertight {
			s += ", watertight"
		} else {
			s += fmt.Sprintf(", not watertight (%d holes, %d boundary edges, %d non-manifold edges)", c.Holes, c.BoundaryEdges, c.NonManifoldEdges)
		}
		s += fmt.Sprintf(", %d %s", c.Shells, plural(c.Shells, "shell", "shells"))
		if c.FlippedFaces > 0 {
			s += fmt.Sprintf(", %d flipped faces", c.FlippedFaces)
		}
		if c.InsideOut {
			s += ", inside out"
		}
	}
	return s + fmt.Sprintf(", %.1f ms", r.MS)
}

func squared(u string) string {
	if u == "" {
		return ""
	}
	return u + "²"
}

func cubed(u string) string {
	if u == "" {
		return ""
	}
	return u + "³"
}

func fmtVec(v [3]float32) string { return fmt.Sprintf("(%.4g %.4g %.4g)", v[0], v[1], v[2]) }
