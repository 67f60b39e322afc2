package scene_test

import (
	"fmt"
	"image"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

func ExampleCamera() {
	// As flags would give them: --up +Z --view top.
	up, _ := scene.ParseUp("+Z")
	sv, _ := scene.ParseView("top")
	part := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{40, 20, 10})

	v := scene.View{Viewport: image.Rect(0, 0, 800, 600), Camera: scene.NewCamera(up),
		Items: []scene.Item{{Mesh: part, Model: mgl32.Ident4()}}}
	v.Camera.SetView(sv)
	v.Camera.Fit(v.Bounds(), 800.0/600)
	f := v.Frame()

	eye := v.Camera.Eye()
	fmt.Printf("eye (%.1f, %.1f, %.1f)\n", eye[0], eye[1], eye[2])
	fmt.Printf("near %.1f far %.1f\n", f.Near, f.Far)
	x, y, _, _ := f.Project(mgl32.Vec3{40, 20, 10}) // the top face's far corner
	fmt.Printf("corner at pixel (%.0f, %.0f)\n", x, y)
	// Output:
	// eye (20.0, 10.0, 62.3)
	// near 52.3 far 62.4
	// corner at pixel (764, 118)
}
