package ui

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// shown is a frame that shows every file and draws nothing new.
var shown = frameInfo{shows: true}

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		ds := make([]time.Duration, len(vs))
		for i, v := range vs {
			ds[i] = time.Duration(v) * time.Millisecond
		}
		return ds
	}
	oneTo100 := make([]int, 100)
	for i := range oneTo100 {
		oneTo100[i] = 100 - i // unsorted on purpose
	}
	for _, tt := range []struct {
		name string
		ds   []time.Duration
		p    float64
		want float64
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 50, 7},
		{"one, p99", ms(7), 99, 7},
		{"median of four", ms(4, 1, 3, 2), 50, 2},
		{"median of five", ms(5, 1, 4, 2, 3), 50, 3},
		{"p50 of 1..100", ms(oneTo100...), 50, 50},
		{"p99 of 1..100", ms(oneTo100...), 99, 99},
		{"p100 is the maximum", ms(oneTo100...), 100, 100},
		{"p0 is the minimum", ms(oneTo100...), 0, 1},
		{"p99 of ten is the maximum", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 50), 99, 50},
		{"sub-millisecond", []time.Duration{1500 * time.Microsecond}, 50, 1.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.ds, tt.p); got != tt.want {
				t.Errorf("got %v ms, want %v ms", got, tt.want)
			}
		})
	}
	ds := ms(3, 1, 2)
	percentile(ds, 50)
	if ds[0] != 3*time.Millisecond {
		t.Errorf("percentile sorted its argument: got %v", ds)
	}
}

// TestFrameReport feeds known frame times and checks the report.
func TestFrameReport(t *testing.T) {
	s := frameStats{record: true}
	t0 := time.Unix(1000, 0)
	at := t0
	// The first frame, then a long first interval (the window appearing),
	// then 100 steady intervals of 1..100 ms.
	s.addDraw(at, 2*time.Millisecond, shown)
	at = at.Add(250 * time.Millisecond)
	s.addDraw(at, 3*time.Millisecond, shown)
	for i := 1; i <= 100; i++ {
		at = at.Add(time.Duration(i) * time.Millisecond)
		s.addDraw(at, time.Duration(i)*100*time.Microsecond, shown)
	}
	for i := 1; i <= 200; i++ {
		s.addUpdate(time.Duration(i) * 10 * time.Microsecond)
	}
	r := s.report(t0)
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"frames", float64(r.Frames), 102},
		{"first interval", r.FirstInterval, 250},
		{"interval p50", r.FrameIntervalP50, 50},
		{"interval p99", r.FrameIntervalP99, 99},
		{"interval max", r.FrameIntervalMax, 100}, // the first interval left out
		{"fps", r.FPS, 100 / 5.050},
		{"update p50", r.UpdateP50, 1},
		{"update p99", r.UpdateP99, 1.98},
		{"update max", r.UpdateMax, 2},
		{"draw p50", r.DrawP50, 4.9}, // the 51st of 102: 0.1 … 10 ms, and 2 and 3 ms
		{"draw p99", r.DrawP99, 9.9}, // the 101st
		{"draw max", r.DrawMax, 10},
	} {
		if math.Abs(tt.got-tt.want) > 1e-9 {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestFrameReportShort checks reports of runs too short for intervals.
func TestFrameReportShort(t *testing.T) {
	s := frameStats{record: true}
	if r := s.report(time.Now()); r.Frames != 0 || r.FirstInterval != 0 || r.FrameIntervalP99 != 0 || r.FirstPicture != 0 || r.Levels != nil {
		t.Errorf("no frames: got %+v, want a report of nothing", r)
	}
	now := time.Now()
	s.addDraw(now, time.Millisecond, shown)
	s.addDraw(now.Add(40*time.Millisecond), time.Millisecond, shown)
	r := s.report(now)
	if r.Frames != 2 || r.FirstInterval != 40 || r.FrameIntervalP99 != 0 || r.FPS != 0 {
		t.Errorf("two frames: got %+v, want 2 frames, a first interval of 40 ms and no steady ones", r)
	}
}

// TestFrameStatsLatest checks that without a report to make only the
// latest interval is kept, which the pacer needs, and nothing grows.
func TestFrameStatsLatest(t *testing.T) {
	for _, record := range []bool{false, true} {
		s := frameStats{record: record}
		at := time.Now()
		for i := range 1000 {
			s.addUpdate(time.Millisecond)
			s.addDraw(at, time.Millisecond, shown)
			at = at.Add(time.Duration(i+1) * time.Microsecond)
		}
		if s.n != 999 || s.last != 999*time.Microsecond {
			t.Errorf("record=%v: got %d intervals, the last %v; want 999, 999µs", record, s.n, s.last)
		}
		kept := len(s.intervals) + len(s.updates) + len(s.draws)
		if want := map[bool]int{false: 0, true: 999 + 1000 + 1000}[record]; kept != want {
			t.Errorf("record=%v: got %d times kept, want %d", record, kept, want)
		}
	}
}

// TestWriteReport checks the JSON file --frame-stats writes.
func TestWriteReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frames.json")
	in := FrameReport{Frames: 10, FrameIntervalP50: 16.5, FrameIntervalP99: 30, FrameIntervalMax: 41, UpdateP99: 1, UpdateMax: 2, DrawP99: 3, DrawMax: 4, Loads: 7, Renderer: "cpu"}
	if err := writeReport(path, in); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatalf("got %q: %v", data, err)
	}
	for name, want := range map[string]any{
		"frames":                float64(10),
		"frame_interval_p50_ms": 16.5,
		"frame_interval_p99_ms": float64(30),
		"frame_interval_max_ms": float64(41),
		"update_p99_ms":         float64(1),
		"update_max_ms":         float64(2),
		"draw_p99_ms":           float64(3),
		"draw_max_ms":           float64(4),
		"loads":                 float64(7),
		"renderer":              "cpu",
		"first_interval_ms":     float64(0),
		"fps":                   float64(0),
	} {
		if got, ok := fields[name]; !ok || got != want {
			t.Errorf("field %q: got %v (present: %v), want %v", name, got, ok, want)
		}
	}
	var out FrameReport
	if err := json.Unmarshal(data, &out); err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("round trip: got %+v, %v; want %+v", out, err, in)
	}
	if err := writeReport(filepath.Join(t.TempDir(), "missing", "frames.json"), in); err == nil {
		t.Error("writing into a missing folder: got no error")
	}
}

// TestFrameReportDetail checks the figures of a load, a spin and a rest:
// when every file first showed, when at full detail, how long the rest
// took to refine, which levels were drawn, and that intervals count from
// the first picture.
func TestFrameReportDetail(t *testing.T) {
	s := frameStats{record: true}
	t0 := time.Unix(1000, 0)
	at := t0.Add(300 * time.Millisecond)
	s.addDraw(at, time.Millisecond, frameInfo{}) // the window, nothing loaded yet
	at = at.Add(100 * time.Millisecond)
	// A preview, then moving frames at a level of 50,000 faces.
	s.addDraw(at, 5*time.Millisecond, frameInfo{drew: true, faces: 20_000, moving: true, shows: true})
	for range 10 {
		at = at.Add(16 * time.Millisecond)
		s.addDraw(at, 8*time.Millisecond, frameInfo{drew: true, faces: 50_000, moving: true, shows: true})
	}
	if s.spinOver(11) != true || s.spinOver(12) || s.spinOver(0) {
		t.Errorf("spinOver: %d frames shown", s.shown)
	}
	moving := at
	// Resting frames that draw nothing, then the refined picture.
	for range 5 {
		at = at.Add(16 * time.Millisecond)
		s.addDraw(at, 0, shown)
	}
	at = at.Add(16 * time.Millisecond)
	s.addDraw(at, 2*time.Millisecond, frameInfo{drew: true, full: true, refined: 70 * time.Millisecond, shows: true})
	r := s.report(t0)
	if r.FirstPicture != 405 {
		t.Errorf("first picture %v ms, want 405", r.FirstPicture)
	}
	if want := ms(at.Add(2 * time.Millisecond).Sub(t0)); r.FullDetail != want {
		t.Errorf("full detail %v ms, want %v", r.FullDetail, want)
	}
	if want := ms(at.Add(2 * time.Millisecond).Sub(moving)); r.RefineMax != want || r.RefineLast != want || r.Refines != 1 || r.RefineDraw != 70 {
		t.Errorf("refine %v / %v ms (%d, drawn in %v), want %v", r.RefineMax, r.RefineLast, r.Refines, r.RefineDraw, want)
	}
	if len(r.Levels) != 2 || r.Levels[0] != (level{50_000, 10}) || r.Levels[1] != (level{20_000, 1}) {
		t.Errorf("levels %+v", r.Levels)
	}
	// 16 intervals after the first picture: the first left out.
	if r.FirstInterval != 16 || r.FrameIntervalMax != 16 {
		t.Errorf("intervals: first %v, max %v", r.FirstInterval, r.FrameIntervalMax)
	}
	if r.PeakRSSMB <= 0 {
		t.Errorf("peak RSS %v MB", r.PeakRSSMB)
	}
}
