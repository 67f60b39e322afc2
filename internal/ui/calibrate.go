package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stlview/stlview/internal/render"
)

// calibration is what the Calibration file remembers: which backend drew
// the test scene faster on this machine, and when that was measured.
type calibration struct {
	Renderer render.Kind   `json:"renderer"`
	Timings  []timingEntry `json:"timings"`
	When     time.Time     `json:"when"`
}

type timingEntry struct {
	Kind render.Kind `json:"kind"`
	MS   float64     `json:"ms"`
}

// calibrationAge is how long a calibration is trusted: drivers and
// machines change.
const calibrationAge = 30 * 24 * time.Hour

// pickRenderer returns the renderer a window starts with: the one the
// calibration file at path remembers, else the CPU backend, which works
// everywhere and is the faster where OpenGL runs on the CPU. calibrate
// says that no recent calibration exists, so one should be made.
func pickRenderer(path string) (r render.Renderer, note string, calibrate bool) {
	if c, ok := readCalibration(path); ok {
		if r, err := render.New(c.Renderer); err == nil {
			return r, fmt.Sprintf("%s (auto, measured %s)", r.Name(), c.When.Format("2006-01-02")), false
		}
	}
	return render.NewCPU(), "cpu (auto)", path != ""
}

func readCalibration(path string) (calibration, bool) {
	var c calibration
	if path == "" {
		return c, false
	}
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &c) != nil || time.Since(c.When) > calibrationAge {
		return c, false
	}
	return c, c.Renderer == render.KindCPU || c.Renderer == render.KindGPU
}

// runCalibration measures both backends (render.Choose) on the game
// goroutine, in Draw, once the window idles: a few hundred milliseconds
// once per machine. It switches to the faster backend and remembers it.
func (g *Game) runCalibration() {
	r, timings := render.Choose(g.size)
	old := g.r
	g.r = r
	old.Dispose()
	g.gallery.pace = newPacer(r.Name())
	for _, st := range g.gallery.states {
		st.ready = false
	}
	g.invalidate()
	c := calibration{Renderer: render.Kind(r.Name()), When: time.Now()}
	g.rendererNote = r.Name() + " (auto:"
	for _, t := range timings {
		ms := float64(t.PerFrame.Microseconds()) / 1000
		c.Timings = append(c.Timings, timingEntry{t.Kind, ms})
		g.rendererNote += fmt.Sprintf(" %s %.1f ms", t.Kind, ms)
	}
	g.rendererNote += ")"
	if data, err := json.Marshal(c); err == nil && g.opt.Calibration != "" {
		// Best effort: a machine that cannot remember measures again.
		if os.MkdirAll(filepath.Dir(g.opt.Calibration), 0o755) == nil {
			_ = os.WriteFile(g.opt.Calibration, data, 0o644)
		}
	}
}
