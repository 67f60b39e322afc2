package raster

import (
	"context"
	"image"
	"sync"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

var (
	torusOnce sync.Once
	torus1M   *mesh.Mesh // 999,698 faces, indexed
	torus100k *mesh.Mesh // 100,352 faces, indexed
)

func tori() (*mesh.Mesh, *mesh.Mesh) {
	torusOnce.Do(func() {
		torus1M = mesh.Torus(1, 0.4, 707, 707).Indexed()
		torus100k = mesh.Torus(1, 0.4, 224, 224).Indexed()
	})
	return torus1M, torus100k
}

// benchmarkViews renders views into a 1024×768 target.
func benchmarkViews(b *testing.B, views []scene.View) {
	r := New(0)
	defer r.Close()
	img := image.NewRGBA(image.Rect(0, 0, 1024, 768))
	r.Render(img, views)
	faces := 0
	for _, v := range views {
		for _, it := range v.Items {
			faces += it.Mesh.Faces()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Render(img, views)
	}
	b.ReportMetric(float64(faces)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mfaces/s")
}

func BenchmarkRender1M(b *testing.B) {
	m, _ := tori()
	benchmarkViews(b, []scene.View{viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4()})})
}

func BenchmarkRender1MWireframe(b *testing.B) {
	m, _ := tori()
	v := viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4()})
	v.Wireframe = true
	benchmarkViews(b, []scene.View{v})
}

func BenchmarkRender100k(b *testing.B) {
	_, m := tori()
	benchmarkViews(b, []scene.View{viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4()})})
}

// BenchmarkGallery100 draws 100 meshes of about 2,000 faces, each in its
// own 102×76 view.
func BenchmarkGallery100(b *testing.B) {
	shapes := []*mesh.Mesh{
		mesh.Sphere(1, 48, 24),
		mesh.Torus(1, 0.3, 48, 24).Indexed(),
		mesh.Cylinder(0.5, 2, 512),
		mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{3, 2, 1}),
	}
	var views []scene.View
	for i := range 100 {
		v := viewOf(102, 76, scene.Iso, scene.Item{Mesh: shapes[i%len(shapes)], Model: mgl32.Ident4()})
		v.Viewport = image.Rect(i%10*102, i/10*76, i%10*102+102, i/10*76+76)
		views = append(views, v)
	}
	benchmarkViews(b, views)
}

// BenchmarkRender1MCulled draws the 1M torus with its back faces culled,
// as a closed mesh wound outward may be (the speed before two-sided
// drawing).
func BenchmarkRender1MCulled(b *testing.B) {
	m, _ := tori()
	benchmarkViews(b, []scene.View{viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Cull: scene.CullBack})})
}

// BenchmarkRender1MIDs also records the face under every pixel (picking).
func BenchmarkRender1MIDs(b *testing.B) {
	m, _ := tori()
	v := viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4()})
	v.IDs = true
	benchmarkViews(b, []scene.View{v})
}

// BenchmarkRender1MSection cuts the torus in half with a section plane.
func BenchmarkRender1MSection(b *testing.B) {
	m, _ := tori()
	v := viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4()})
	v.Section = &scene.Section{Axis: 0, Offset: 0}
	benchmarkViews(b, []scene.View{v})
}

func BenchmarkRender1MSmooth(b *testing.B) {
	m, _ := tori()
	ns, err := shading.Smooth(context.Background(), m, shading.DefaultCrease, 0)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkViews(b, []scene.View{viewOf(1024, 768, scene.Iso, scene.Item{Mesh: m, Model: mgl32.Ident4(), Smooth: map[*mesh.Mesh][]uint32{m: ns}})})
}
