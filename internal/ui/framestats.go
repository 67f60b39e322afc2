package ui

import (
	"encoding/json"
	"os"
	"slices"
	"time"
)

// frameStats records frame timing: the interval between the starts of
// successive Draw calls (what a user sees as smoothness), and for
// --frame-stats every interval and how long each Update and Draw took.
// Only the game goroutine may use it.
type frameStats struct {
	// record keeps every time for report. Without it only the latest
	// interval is kept, so a viewer left open for days does not grow.
	record bool

	lastDraw  time.Time
	last      time.Duration // the latest interval
	n         int           // intervals so far
	intervals []time.Duration
	updates   []time.Duration
	draws     []time.Duration
}

func (s *frameStats) addUpdate(d time.Duration) {
	if s.record {
		s.updates = append(s.updates, d)
	}
}

func (s *frameStats) addDraw(start time.Time, d time.Duration) {
	if !s.lastDraw.IsZero() {
		s.last, s.n = start.Sub(s.lastDraw), s.n+1
		if s.record {
			s.intervals = append(s.intervals, s.last)
		}
	}
	s.lastDraw = start
	if s.record {
		s.draws = append(s.draws, d)
	}
}

// FrameReport is the JSON object --frame-stats writes. Times are in
// milliseconds.
//
// The interval percentiles leave out the first interval, from the first
// frame to the second: it holds Ebitengine's fixed waits while the window
// appears (about 100 ms after creating the window and after the first
// swap), which FirstInterval reports on its own.
type FrameReport struct {
	Frames           int     `json:"frames"`
	FirstInterval    float64 `json:"first_interval_ms"`
	FrameIntervalP50 float64 `json:"frame_interval_p50_ms"`
	FrameIntervalP99 float64 `json:"frame_interval_p99_ms"`
	FrameIntervalMax float64 `json:"frame_interval_max_ms"`
	FPS              float64 `json:"fps"`
	UpdateP50        float64 `json:"update_p50_ms"`
	UpdateP99        float64 `json:"update_p99_ms"`
	UpdateMax        float64 `json:"update_max_ms"`
	DrawP50          float64 `json:"draw_p50_ms"`
	DrawP99          float64 `json:"draw_p99_ms"`
	DrawMax          float64 `json:"draw_max_ms"`
	Loads            int     `json:"loads"`
	Failed           int     `json:"failed"`
	Triangles        int64   `json:"triangles"`
	Renderer         string  `json:"renderer"`
	Workers          int     `json:"workers"`
	LoadSeconds      float64 `json:"load_seconds"`
}

// report summarises the times recorded; it needs record set.
func (s *frameStats) report() FrameReport {
	steady := s.intervals
	r := FrameReport{
		Frames:    len(s.draws),
		UpdateP50: percentile(s.updates, 50),
		UpdateP99: percentile(s.updates, 99),
		UpdateMax: percentile(s.updates, 100),
		DrawP50:   percentile(s.draws, 50),
		DrawP99:   percentile(s.draws, 99),
		DrawMax:   percentile(s.draws, 100),
	}
	if len(steady) > 0 {
		r.FirstInterval = ms(steady[0])
		steady = steady[1:]
	}
	r.FrameIntervalP50 = percentile(steady, 50)
	r.FrameIntervalP99 = percentile(steady, 99)
	r.FrameIntervalMax = percentile(steady, 100)
	var total time.Duration
	for _, d := range steady {
		total += d
	}
	if total > 0 {
		r.FPS = float64(len(steady)) / total.Seconds()
	}
	return r
}

// percentile returns the p-th percentile of ds in milliseconds (nearest
// rank; 100 is the maximum), or 0 for none.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.999999) - 1
	return ms(s[min(max(i, 0), len(s)-1)])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// writeReport writes r as one JSON object to path.
func writeReport(path string, r FrameReport) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
