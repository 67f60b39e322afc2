package render

import (
	"image"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// TestRefiner draws a view at rest: the presented picture is the raster's
// own supersampled picture of it, and a pick finds the face under a
// known point.
func TestRefiner(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	v := scene.View{Viewport: image.Rect(0, 0, 160, 120), Background: scene.DefaultBackground,
		Items: []scene.Item{{Mesh: cube, Model: mgl32.Ident4(), Color: red}}}
	v.Camera = scene.NewCamera(scene.PlusZ)
	v.Camera.SetView(scene.Front)
	v.Camera.Fit(v.Bounds(), 160.0/120)

	f := NewRefiner()
	defer f.Close()
	f.Start(image.Pt(160, 120), []scene.View{v}, 2)
	deadline := time.Now().Add(5 * time.Second)
	for !f.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("the refine never became ready")
		}
		time.Sleep(time.Millisecond)
	}
	if f.Pending() {
		t.Error("a ready refine still pending")
	}
	var got *image.RGBA
	onMain(t, func() {
		dst := ebiten.NewImage(160, 120)
		defer dst.Deallocate()
		if ok, took := f.Present(dst); !ok || took <= 0 {
			t.Errorf("Present = %v, %v", ok, took)
		}
		got = image.NewRGBA(image.Rect(0, 0, 160, 120))
		dst.ReadPixels(got.Pix)
	})
	// The same picture drawn directly: twice the size, filtered down.
	big := image.NewRGBA(image.Rect(0, 0, 320, 240))
	r := raster.New(2)
	defer r.Close()
	sv := v
	sv.Viewport, sv.Scale = image.Rect(0, 0, 320, 240), 2
	r.Render(big, []scene.View{sv})
	want := image.NewRGBA(image.Rect(0, 0, 160, 120))
	raster.Downsample(want, big, 2)
	for i := range want.Pix {
		if got.Pix[i] != want.Pix[i] {
			t.Fatalf("the presented picture differs from the raster's at byte %d", i)
		}
	}
	fr := v.Frame()
	x, y, _, _ := fr.Project(mgl32.Vec3{5, 0, 5})
	hit, ok := f.Pick(int(x), int(y))
	if !ok || hit.View != 0 || hit.Item != 0 || cube.Normal(hit.Face) != (mgl32.Vec3{0, -1, 0}) {
		t.Errorf("pick at the front side's centre: %+v, %v", hit, ok)
	}
	if p := fr.Unproject(float32(int(x))+0.5, float32(int(y))+0.5, hit.Depth); p.Sub(mgl32.Vec3{5, 0, 5}).Len() > 0.2 {
		t.Errorf("the picked point %v is not near (5, 0, 5)", p)
	}
	if _, ok := f.Pick(2, 2); ok {
		t.Error("a pick on the background")
	}
	f.Forget()
	if _, ok := f.Pick(int(x), int(y)); ok {
		t.Error("a pick after Forget")
	}
}

// TestRefinerAbandons starts a picture and another before it is done:
// only the last one is presented.
func TestRefinerAbandons(t *testing.T) {
	big := mesh.Sphere(10, 1024, 512).Indexed() // a million faces
	small := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 1, 1})
	view := func(m *mesh.Mesh) scene.View {
		v := scene.View{Viewport: image.Rect(0, 0, 200, 200), Items: []scene.Item{{Mesh: m, Model: mgl32.Ident4()}}}
		v.Camera = scene.NewCamera(scene.PlusZ)
		v.Camera.Fit(v.Bounds(), 1)
		return v
	}
	f := NewRefiner()
	defer f.Close()
	f.Start(image.Pt(200, 200), []scene.View{view(big)}, 2)
	f.Start(image.Pt(200, 200), []scene.View{view(small)}, 1)
	deadline := time.Now().Add(10 * time.Second)
	for !f.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("the refine never became ready")
		}
		time.Sleep(time.Millisecond)
	}
	f.Cancel()
	if f.Ready() || f.Pending() {
		t.Error("after Cancel: still ready or pending")
	}
}
