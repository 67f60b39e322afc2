package render

import (
	"image"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

func TestCostFaces(t *testing.T) {
	c := Cost{Fixed: 1e6, PerPixel: 2, PerFace: 10}
	if got := c.Time(100_000, 500_000); got != 3*time.Millisecond {
		t.Errorf("Time = %v, want 3ms", got)
	}
	// 16 ms: 1 ms fixed, 1 ms of pixels, 14 ms of faces at 10 ns.
	if got := c.Faces(16*time.Millisecond, 500_000); got != 1_400_000 {
		t.Errorf("Faces = %d, want 1400000", got)
	}
	if got := c.Faces(time.Millisecond/2, 500_000); got != minFaces {
		t.Errorf("no time left: Faces = %d, want the minimum %d", got, minFaces)
	}
}

func TestCostMeterLearns(t *testing.T) {
	m := costMeter{c: Cost{Fixed: 1e6, PerPixel: 1, PerFace: 100}}
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

func TestFitDetail(t *testing.T) {
	full := mesh.Sphere(10, 512, 256).Indexed() // 261,120 faces
	levels := []*mesh.Mesh{mesh.Sphere(10, 128, 64).Indexed(), mesh.Sphere(10, 32, 16).Indexed()}
	view := func(vp image.Rectangle) scene.View {
		v := scene.View{Viewport: vp, Items: []scene.Item{{Mesh: full, Levels: levels, Model: mgl32.Ident4()}}}
		v.Camera = scene.NewCamera(scene.PlusZ)
		v.Camera.Fit(v.Bounds(), float32(vp.Dx())/float32(vp.Dy()))
		return v
	}
	c := Cost{Fixed: 1e6, PerPixel: 2, PerFace: 10}
	big := []scene.View{view(image.Rect(0, 0, 1024, 768))}
	FitDetail(big, c, Detail{Budget: 16 * time.Millisecond})
	// The sphere covers about 0.6 of the window's height squared: the
	// pixel cap (2 faces a pixel) is well under the time budget.
	px := CoveredPixels(&big[0])
	if px < 200_000 || px > 786_432 {
		t.Fatalf("covered pixels %d", px)
	}
	if big[0].MaxFaces != 2*px {
		t.Errorf("MaxFaces %d, want 2 per covered pixel: %d", big[0].MaxFaces, 2*px)
	}
	// A small gallery cell draws few faces whatever the budget.
	cell := []scene.View{view(image.Rect(0, 0, 200, 150))}
	FitDetail(cell, c, Detail{Budget: time.Second})
	if n := cell[0].MaxFaces; n > 2*200*150 {
		t.Errorf("a 200×150 cell may draw %d faces", n)
	}
	if m := cell[0].Items[0].Level(cell[0].MaxFaces); m == full {
		t.Errorf("the cell draws the full mesh of %d faces", full.Faces())
	}
	// A tight budget picks a coarse level; wireframe picks one whose
	// edges are apart.
	tight := []scene.View{view(image.Rect(0, 0, 1024, 768))}
	FitDetail(tight, Cost{Fixed: 1e6, PerPixel: 2, PerFace: 1000}, Detail{Budget: 4 * time.Millisecond})
	if tight[0].MaxFaces > 1000 && tight[0].MaxFaces != minFaces {
		t.Errorf("tight budget: MaxFaces %d", tight[0].MaxFaces)
	}
	wire := []scene.View{view(image.Rect(0, 0, 1024, 768))}
	wire[0].Wireframe = true
	FitDetail(wire, c, Detail{Budget: time.Second})
	if got, want := wire[0].MaxFaces, CoveredPixels(&wire[0])/wireCellPixels; got != max(want, minFaces) {
		t.Errorf("wireframe: MaxFaces %d, want %d", got, want)
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
