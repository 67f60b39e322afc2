package raster_test

import (
	"fmt"
	"image"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

func ExampleRenderer() {
	cube := mesh.Cuboid(mgl32.Vec3{-1, -1, -1}, mgl32.Vec3{1, 1, 1})
	view := scene.View{
		Viewport:   image.Rect(0, 0, 64, 48),
		Camera:     scene.NewCamera(scene.PlusZ),
		Items:      []scene.Item{{Mesh: cube, Model: mgl32.Ident4()}},
		Background: scene.DefaultBackground,
	}
	view.Camera.SetView(scene.Front)
	view.Camera.Fit(view.Bounds(), 64.0/48)

	r := raster.New(0)
	defer r.Close()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	r.Render(img, []scene.View{view})
	fmt.Println("centre:", img.RGBAAt(32, 24))
	fmt.Println("corner:", img.RGBAAt(0, 0))
	// Output:
	// centre: {163 176 198 255}
	// corner: {38 41 48 255}
}
