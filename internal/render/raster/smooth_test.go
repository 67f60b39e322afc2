package raster

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

// smoothItem returns an item drawing m with smooth shading at the default
// crease angle.
func smoothItem(t testing.TB, m *mesh.Mesh, c mesh.Color) scene.Item {
	t.Helper()
	ns, err := shading.Smooth(context.Background(), m, shading.DefaultCrease, 2)
	if err != nil {
		t.Fatal(err)
	}
	return scene.Item{Mesh: m, Model: mgl32.Ident4(), Color: c, Smooth: map[*mesh.Mesh][]uint32{m: ns}}
}

// TestSmoothCubeIsFlat: a cube's edges are all creases, so its smooth
// picture is its flat one, pixel for pixel, from the front and from
// behind (inside out), cut or not.
func TestSmoothCubeIsFlat(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10}).Indexed()
	inverted := flip(cube, func(int) bool { return true }).Indexed()
	for _, tt := range []struct {
		name    string
		m       *mesh.Mesh
		section *scene.Section
	}{
		{"cube", cube, nil},
		{"inside out", inverted, nil},
		{"cut", cube, &scene.Section{Axis: 0, Offset: 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			flat := viewOf(128, 128, scene.Iso, scene.Item{Mesh: tt.m, Model: mgl32.Ident4(), Color: red})
			flat.Section = tt.section
			smooth := flat
			smooth.Items = []scene.Item{smoothItem(t, tt.m, red)}
			if n := countDiff(render(t, 128, 128, smooth), render(t, 128, 128, flat)); n != 0 {
				t.Errorf("%d pixels differ between smooth and flat shading", n)
			}
		})
	}
}

// TestSmoothSphere: a faceted sphere's shading has no steps where flat
// shading has one at every facet edge, and keeps its outline.
func TestSmoothSphere(t *testing.T) {
	sphere := mesh.Sphere(10, 24, 12).Indexed()
	flat := viewOf(200, 200, scene.Front, scene.Item{Mesh: sphere, Model: mgl32.Ident4(), Color: red})
	smooth := flat
	smooth.Items = []scene.Item{smoothItem(t, sphere, red)}
	fimg, simg := render(t, 200, 200, flat), render(t, 200, 200, smooth)
	savePNG(t, "sphere flat", fimg)
	savePNG(t, "sphere smooth", simg)
	fj, sj := maxJump(fimg), maxJump(simg)
	if sj > 6 || fj < 3*sj {
		t.Errorf("largest step between neighbouring pixels inside the sphere: flat %d, smooth %d; want smooth ≤ 6 and at most a third of flat", fj, sj)
	}
	// The same pixels are covered: shading changes colours only.
	for i := 0; i < len(fimg.Pix); i += 4 {
		if (fimg.Pix[i+3] == 0) != (simg.Pix[i+3] == 0) || isBG(fimg, i) != isBG(simg, i) {
			t.Fatalf("pixel %d is covered in one picture and not the other", i/4)
		}
	}
	if n := distinct(simg); n < 2*distinct(fimg) {
		t.Errorf("smooth picture has %d colours, flat %d: want many more tones", n, distinct(fimg))
	}
}

// TestSmoothLevels: each level drawn uses its own corner normals, and a
// level with none is drawn flat.
func TestSmoothLevels(t *testing.T) {
	fine := mesh.Sphere(10, 48, 24).Indexed()
	coarse := mesh.Sphere(10, 12, 6).Indexed()
	it := smoothItem(t, fine, red)
	it.Levels = []*mesh.Mesh{coarse}
	v := viewOf(160, 160, scene.Front, it)
	v.MaxFaces = coarse.Faces()
	flatCoarse := viewOf(160, 160, scene.Front, scene.Item{Mesh: coarse, Model: mgl32.Ident4(), Color: red})
	if n := countDiff(render(t, 160, 160, v), render(t, 160, 160, flatCoarse)); n != 0 {
		t.Errorf("a level without normals: %d pixels differ from its flat picture", n)
	}
	ns, err := shading.Smooth(context.Background(), coarse, shading.DefaultCrease, 1)
	if err != nil {
		t.Fatal(err)
	}
	it.Smooth[coarse] = ns
	v.Items = []scene.Item{it}
	if n := countDiff(render(t, 160, 160, v), render(t, 160, 160, flatCoarse)); n < 1000 {
		t.Errorf("a level with normals: only %d pixels differ from its flat picture", n)
	}
}

// maxJump returns the largest difference of the red channel between
// horizontally neighbouring pixels in the middle half of the picture
// (where a sphere's shading changes slowly).
func maxJump(img *image.RGBA) int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	best := 0
	for y := h / 4; y < 3*h/4; y++ {
		for x := w / 4; x < 3*w/4; x++ {
			i := y*img.Stride + 4*x
			d := int(img.Pix[i]) - int(img.Pix[i+4])
			best = max(best, d, -d)
		}
	}
	return best
}

// isBG reports whether the pixel at Pix offset i is the background, the
// colour of the top left corner.
func isBG(img *image.RGBA, i int) bool {
	return [4]uint8(img.Pix[i:i+4]) == [4]uint8(img.Pix[0:4])
}

func distinct(img *image.RGBA) int {
	seen := map[[4]uint8]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		seen[[4]uint8(img.Pix[i:i+4])] = true
	}
	return len(seen)
}

// savePNG writes img to $STLVIEW_TEST_PNG/raster NAME.png when that
// variable names a folder, to look at.
func savePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := os.Getenv("STLVIEW_TEST_PNG")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, "raster "+name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(png.Encode(f, img), f.Close()); err != nil {
		t.Fatal(err)
	}
}
