package ui

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// frameStats records frame timing: the interval between the starts of
// successive Draw calls (what a user sees as smoothness), and for
// --frame-stats every interval and how long each Update and Draw took,
// when the picture first showed every file and first showed them at full
// detail, how long each refinement took, and which levels of detail the
// frames drew. Only the game goroutine may use it.
type frameStats struct {
	// record keeps every time for report. Without it only the latest
	// interval is kept, so a viewer left open for days does not grow.
	record bool

	lastDraw  time.Time
	last      time.Duration // the latest interval
	n         int           // intervals so far
	intervals []time.Duration
	settled   []time.Duration // the intervals that ended with nothing loading
	updates   []time.Duration
	draws     []time.Duration

	firstPicture time.Time // the first frame that showed every file
	fullDetail   time.Time // the first frame that showed them at full detail
	shown        int       // frames since firstPicture
	movingAt     time.Time // the last frame drawn below full detail
	refines      []time.Duration
	refineTook   []time.Duration // the Refiner's own time for each
	levels       map[int]int     // faces drawn by a frame -> frames
}

// frameInfo is what a frame drew, for frameStats.
type frameInfo struct {
	drew    bool          // it drew 3D views or presented a resting picture
	faces   int           // the faces of the views it drew
	moving  bool          // below full detail
	full    bool          // at full detail
	refined time.Duration // it presented a resting picture that took this long, or 0
	shows   bool          // the picture shows some geometry of every file
	loading bool          // a load was in flight, or levels were being built
}

func (s *frameStats) addUpdate(d time.Duration) {
	if s.record {
		s.updates = append(s.updates, d)
	}
}

// addDraw records a frame that started at start and took d. Intervals
// count from the first frame that shows every file: before it, frames
// wait for loads, which is another figure (first_picture_ms).
func (s *frameStats) addDraw(start time.Time, d time.Duration, f frameInfo) {
	if f.shows && s.firstPicture.IsZero() {
		s.firstPicture = start.Add(d)
	}
	if !s.firstPicture.IsZero() {
		s.shown++
		if !s.lastDraw.IsZero() {
			s.last, s.n = start.Sub(s.lastDraw), s.n+1
			if s.record {
				s.intervals = append(s.intervals, s.last)
				if !f.loading {
					s.settled = append(s.settled, s.last)
				}
			}
		}
		s.lastDraw = start
	}
	if f.drew && f.moving {
		s.movingAt = start
	}
	if f.drew && f.full && f.shows {
		if s.fullDetail.IsZero() {
			s.fullDetail = start.Add(d)
		}
		if !s.movingAt.IsZero() {
			s.refines = append(s.refines, start.Add(d).Sub(s.movingAt))
			if f.refined > 0 {
				s.refineTook = append(s.refineTook, f.refined)
			}
			s.movingAt = time.Time{}
		}
	}
	if s.record {
		s.draws = append(s.draws, d)
		if f.drew && f.faces > 0 {
			if s.levels == nil {
				s.levels = map[int]int{}
			}
			s.levels[f.faces]++
		}
	}
}

// spinOver reports whether --spin-frames frames have shown the files
// (frames is 0 for no limit).
func (s *frameStats) spinOver(frames int) bool { return frames > 0 && s.shown >= frames }

// FrameReport is the JSON object --frame-stats writes. Times are in
// milliseconds.
//
// The intervals count from the first frame that shows every file, and
// their percentiles leave out the first interval after it, which may hold
// Ebitengine's fixed waits while the window appears (about 100 ms after
// the first swap), reported on its own as FirstInterval.
type FrameReport struct {
	Frames           int     `json:"frames"`
	FirstInterval    float64 `json:"first_interval_ms"`
	FrameIntervalP50 float64 `json:"frame_interval_p50_ms"`
	FrameIntervalP99 float64 `json:"frame_interval_p99_ms"`
	FrameIntervalMax float64 `json:"frame_interval_max_ms"`
	FPS              float64 `json:"fps"`
	// The Settled intervals leave out those that ended while a load was
	// in flight or levels of detail were being built (the workers then
	// share the cores with the frames).
	SettledIntervalP50 float64 `json:"settled_interval_p50_ms"`
	SettledIntervalP99 float64 `json:"settled_interval_p99_ms"`
	SettledIntervalMax float64 `json:"settled_interval_max_ms"`
	UpdateP50          float64 `json:"update_p50_ms"`
	UpdateP99          float64 `json:"update_p99_ms"`
	UpdateMax          float64 `json:"update_max_ms"`
	DrawP50            float64 `json:"draw_p50_ms"`
	DrawP99            float64 `json:"draw_p99_ms"`
	DrawMax            float64 `json:"draw_max_ms"`
	// FirstPicture is from launch to the end of the first frame that shows
	// some geometry of every file; FullDetail to the first that shows
	// every visible mesh at full detail (0 when none did).
	FirstPicture float64 `json:"first_picture_ms"`
	FullDetail   float64 `json:"full_detail_ms"`
	// Refine is, for each time the camera came to rest, from the last
	// moving frame to the end of the next frame at full detail: the
	// largest, the last, and how many; RefineDraw is the Refiner's own
	// time for the last.
	RefineMax   float64 `json:"refine_ms"`
	RefineLast  float64 `json:"refine_last_ms"`
	Refines     int     `json:"refines"`
	RefineDraw  float64 `json:"refine_draw_ms"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	Levels      []level `json:"levels"` // the faces frames drew, and how many frames drew each count
	Loads       int     `json:"loads"`
	Failed      int     `json:"failed"`
	Triangles   int64   `json:"triangles"`
	Renderer    string  `json:"renderer"`
	Workers     int     `json:"workers"`
	LoadSeconds float64 `json:"load_seconds"`
}

// level is one entry of FrameReport.Levels.
type level struct {
	Faces  int `json:"faces"`
	Frames int `json:"frames"`
}

// report summarises the times recorded since start (the launch); it needs
// record set.
func (s *frameStats) report(start time.Time) FrameReport {
	steady := s.intervals
	r := FrameReport{
		Frames:    len(s.draws),
		UpdateP50: percentile(s.updates, 50),
		UpdateP99: percentile(s.updates, 99),
		UpdateMax: percentile(s.updates, 100),
		DrawP50:   percentile(s.draws, 50),
		DrawP99:   percentile(s.draws, 99),
		DrawMax:   percentile(s.draws, 100),
		Refines:   len(s.refines),
		PeakRSSMB: peakRSSMB(),
	}
	if !s.firstPicture.IsZero() {
		r.FirstPicture = ms(s.firstPicture.Sub(start))
	}
	if !s.fullDetail.IsZero() {
		r.FullDetail = ms(s.fullDetail.Sub(start))
	}
	if len(s.refines) > 0 {
		r.RefineMax = percentile(s.refines, 100)
		r.RefineLast = ms(s.refines[len(s.refines)-1])
	}
	if len(s.refineTook) > 0 {
		r.RefineDraw = ms(s.refineTook[len(s.refineTook)-1])
	}
	if len(steady) > 0 {
		r.FirstInterval = ms(steady[0])
		steady = steady[1:]
	}
	r.FrameIntervalP50 = percentile(steady, 50)
	r.FrameIntervalP99 = percentile(steady, 99)
	r.FrameIntervalMax = percentile(steady, 100)
	r.SettledIntervalP50 = percentile(s.settled, 50)
	r.SettledIntervalP99 = percentile(s.settled, 99)
	r.SettledIntervalMax = percentile(s.settled, 100)
	var total time.Duration
	for _, d := range steady {
		total += d
	}
	if total > 0 {
		r.FPS = float64(len(steady)) / total.Seconds()
	}
	for faces, n := range s.levels {
		r.Levels = append(r.Levels, level{faces, n})
	}
	slices.SortFunc(r.Levels, func(a, b level) int { return b.Frames - a.Frames })
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

// peakRSSMB returns the process's peak resident memory in MB (10^6
// bytes), or 0 where the system does not say: VmHWM of /proc on Linux.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err == nil {
				return kb * 1024 / 1e6
			}
		}
	}
	return 0
}
