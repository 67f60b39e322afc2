package scene

import (
	"image"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
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
	if got := c.Faces(time.Millisecond/2, 500_000); got != MinFaces {
		t.Errorf("no time left: Faces = %d, want the minimum %d", got, MinFaces)
	}
}

func TestFitDetail(t *testing.T) {
	full := mesh.Sphere(10, 512, 256).Indexed() // 261,120 faces
	levels := []*mesh.Mesh{mesh.Sphere(10, 128, 64).Indexed(), mesh.Sphere(10, 32, 16).Indexed()}
	view := func(vp image.Rectangle) View {
		v := View{Viewport: vp, Items: []Item{{Mesh: full, Levels: levels, Model: mgl32.Ident4()}}}
		v.Camera = NewCamera(PlusZ)
		v.Camera.Fit(v.Bounds(), float32(vp.Dx())/float32(vp.Dy()))
		return v
	}
	c := Cost{Fixed: 1e6, PerPixel: 2, PerFace: 10}
	big := []View{view(image.Rect(0, 0, 1024, 768))}
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
	cell := []View{view(image.Rect(0, 0, 200, 150))}
	FitDetail(cell, c, Detail{Budget: time.Second})
	if n := cell[0].MaxFaces; n > 2*200*150 {
		t.Errorf("a 200×150 cell may draw %d faces", n)
	}
	if m := cell[0].Items[0].Level(cell[0].MaxFaces); m == full {
		t.Errorf("the cell draws the full mesh of %d faces", full.Faces())
	}
	// A tight budget picks a coarse level; wireframe picks one whose
	// edges are apart.
	tight := []View{view(image.Rect(0, 0, 1024, 768))}
	FitDetail(tight, Cost{Fixed: 1e6, PerPixel: 2, PerFace: 1000}, Detail{Budget: 4 * time.Millisecond})
	if tight[0].MaxFaces > 1000 && tight[0].MaxFaces != MinFaces {
		t.Errorf("tight budget: MaxFaces %d", tight[0].MaxFaces)
	}
	wire := []View{view(image.Rect(0, 0, 1024, 768))}
	wire[0].Wireframe = true
	FitDetail(wire, c, Detail{Budget: time.Second})
	if got, want := wire[0].MaxFaces, CoveredPixels(&wire[0])/18; got != max(want, MinFaces) {
		t.Errorf("wireframe: MaxFaces %d, want %d", got, want)
	}
}

// TestWireDetail: a wireframe view, even at full detail, draws a level
// whose faces cover about wireCellPixels each; other views are left alone.
func TestWireDetail(t *testing.T) {
	v := View{Viewport: image.Rect(0, 0, 400, 300), Wireframe: true}
	v.Items = []Item{{Mesh: mesh.Cuboid(mgl32.Vec3{}, mgl32.Vec3{1, 1, 1}), Model: mgl32.Ident4()}}
	v.Camera = NewCamera(PlusZ)
	v.Camera.Fit(v.Bounds(), 4.0/3)
	WireDetail(&v)
	want := max(MinFaces, CoveredPixels(&v)/wireCellPixels)
	if v.MaxFaces != want {
		t.Errorf("got MaxFaces %d, want %d", v.MaxFaces, want)
	}
	v.MaxFaces = 10 // a moving view's smaller level stays
	WireDetail(&v)
	if v.MaxFaces != 10 {
		t.Errorf("got MaxFaces %d, want the 10 already set", v.MaxFaces)
	}
	v.Wireframe, v.MaxFaces = false, 0
	WireDetail(&v)
	if v.MaxFaces != 0 {
		t.Errorf("without wireframe: got MaxFaces %d, want 0 (full detail)", v.MaxFaces)
	}
}
