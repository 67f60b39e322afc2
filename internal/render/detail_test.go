package render

import (
	"testing"
	"time"

	"github.com/stlview/stlview/internal/render/scene"
)

func TestCostMeterLearns(t *testing.T) {
	m := costMeter{c: scene.Cost{Fixed: 1e6, PerPixel: 1, PerFace: 100}}
	// Frames that really cost 20 ns a face and 3 ns a pixel.
	for range 60 {
		m.observe(time.Duration(1e6+3*786_432+20*500_000), 500_000, 786_432)
		m.observe(time.Duration(1e6+3*786_432+20*1000), 1000, 786_432)
	}
	if f := m.c.PerFace; f < 18 || f > 22 {
		t.Errorf("learnt %g ns a face, want about 20", f)
	}
	if p := m.c.PerPixel; p < 2.7 || p > 3.3 {
		t.Errorf("learnt %g ns a pixel, want about 3", p)
	}
}

func TestCostMeterSplit(t *testing.T) {
	m := costMeter{c: cpuPrior}
	// Frames of two levels whose drawing costs 2 ms whatever the level
	// (clearing, filling) and 12 ns a face, and whose upload 4 ns a pixel.
	const px = 786_432
	for range 60 {
		for _, faces := range []int{400_000, 100_000} {
			draw := time.Duration(2e6 + 12*faces)
			m.observeSplit(draw, time.Duration(4*px), faces, px)
		}
	}
	if f := m.c.PerFace; f < 11 || f > 13 {
		t.Errorf("learnt %g ns a face, want about 12", f)
	}
	// The model predicts both levels' drawing and upload.
	for _, faces := range []int{400_000, 100_000, 1_600_000} {
		want := time.Duration(2e6 + 12*faces + 4*px)
		if got := m.c.Time(faces, px); got < want*9/10 || got > want*11/10 {
			t.Errorf("%d faces: predicted %v, want about %v", faces, got, want)
		}
	}
	// A run of one level alone leaves the cost of a face as it was.
	f := m.c.PerFace
	for range 20 {
		m.observeSplit(time.Duration(9e6), 0, 50_000, px)
	}
	if m.c.PerFace != f {
		t.Errorf("one level moved the cost of a face from %g to %g", f, m.c.PerFace)
	}
}
