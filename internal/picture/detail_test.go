package picture

import (
	"context"
	"image"
	"path/filepath"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/lod"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shapes"
)

// TestInteractiveLooksFull: the level of detail a moving camera draws
// looks like full detail. At most 3% of the mesh's pixels differ by more
// than 10% between the two pictures (the bar), on a dense curved
// part (a torus knot), a CAD-like part of flat faces and sharp edges cut
// into a million faces (a stepped block), and the bundled samples.
func TestInteractiveLooksFull(t *testing.T) {
	parts := map[string]*mesh.Mesh{
		"knot 1M":  shapes.Knot(1_000_000),
		"block 1M": shapes.Block(1_000_000),
	}
	samples, _ := filepath.Glob("../../assets/*.stl*")
	for _, path := range samples {
		m, err := mesh.Decoder{}.ReadFile(context.Background(), path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		parts[filepath.Base(path)] = m
	}
	if len(samples) == 0 {
		t.Error("no samples found in ../../assets")
	}
	r := newRenderer(t)
	size := image.Pt(1024, 768)
	for name, m := range parts {
		t.Run(name, func(t *testing.T) {
			m = m.Indexed()
			levels, err := lod.Build(context.Background(), m, lod.Options{})
			if err != nil {
				t.Fatal(err)
			}
			item := []Item{{Name: name, Mesh: m, Levels: levels}}
			// The level a moving camera draws at this size.
			o := Options{Size: size}.withDefaults()
			vp := image.Rectangle{Max: size}
			views := []scene.View{o.view(vp, item[0])}
			InteractiveDetail(views, []image.Rectangle{vp})
			drawn := views[0].Items[0].Level(views[0].MaxFaces).Faces()
			if m.Faces() > 500_000 && drawn >= m.Faces() {
				t.Fatalf("moving, the %d-face part is drawn whole: the test would compare full detail with itself", m.Faces())
			}
			full := Gallery(r, item, Options{Size: size})
			moving := Gallery(r, item, Options{Size: size, Interactive: true})
			savePNG(t, "detail full "+name, full)
			savePNG(t, "detail interactive "+name, moving)
			shown, off := 0, 0
			for i := 0; i < len(full.Pix); i += 4 {
				a, b := full.Pix[i:i+3:i+3], moving.Pix[i:i+3:i+3]
				if !differs(full.RGBAAt((i/4)%size.X, (i/4)/size.X)) && !differs(moving.RGBAAt((i/4)%size.X, (i/4)/size.X)) {
					continue // background in both
				}
				shown++
				for k := range 3 {
					if d := int(a[k]) - int(b[k]); d > 25 || d < -25 {
						off++
						break
					}
				}
			}
			frac := float64(off) / float64(max(1, shown))
			t.Logf("%s: %d faces, %d drawn moving; %.2f%% of %d mesh pixels differ by more than 10%%", name, m.Faces(), drawn, 100*frac, shown)
			if frac > 0.03 {
				t.Errorf("%.2f%% of the mesh's pixels differ by more than 10%% between moving and full detail, want at most 3%%", 100*frac)
			}
		})
	}
}

// TestAntialiased: a 256-pixel picture of a cube has smooth edges: at
// least 24 colours (an aliased one has the background and its three
// sides' shades, 4).
func TestAntialiased(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 10, 10})
	r := newRenderer(t)
	for _, o := range []Options{{Size: image.Pt(256, 256)}, {Size: image.Pt(256, 256), Supersample: 3, Transparent: true}} {
		img := Gallery(r, []Item{{Name: "cube", Mesh: cube}}, o)
		seen := map[[4]uint8]bool{}
		for i := 0; i < len(img.Pix); i += 4 {
			seen[[4]uint8(img.Pix[i:i+4])] = true
		}
		if len(seen) < 24 {
			t.Errorf("%+v: %d colours, want at least 24 (antialiased edges)", o, len(seen))
		}
	}
}
