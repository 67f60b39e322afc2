// Package scene holds what every stlview renderer shares: the orbit camera,
// the description of a picture (views of meshes in viewports), the
// projection from world space to pixels, and the shading rule.
//
// Every number that decides the picture lives here, so the GPU backend
// (Ebitengine shaders) and the CPU backend (package raster) draw the same
// image from the same View. The package imports no graphics library; all of
// it is plain maths that any goroutine may call.
package scene

import (
	"image"
	"image/color"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Item is one mesh placed in the world.
type Item struct {
	// Mesh is drawn by reference: it must not change while a renderer reads
	// it. An Item with a nil Mesh draws nothing.
	Mesh *mesh.Mesh
	// Model maps the mesh's coordinates to world space. Use
	// mgl32.Ident4() to draw the mesh where it is; the zero matrix draws
	// nothing useful.
	Model mgl32.Mat4
	// Color is used for faces without a colour of their own. Its alpha is
	// ignored, except that A == 0 means DefaultColor.
	Color mesh.Color
}

// FaceColor returns the base colour of face f before shading: the mesh's
// own colour for the face when it has one (A != 0), else the item's Color,
// else DefaultColor. The returned alpha is always 255.
func (it *Item) FaceColor(f int) mesh.Color {
	c := it.Color
	if cs := it.Mesh.Colors; cs != nil && cs[f].A != 0 {
		c = cs[f]
	}
	if c.A == 0 {
		return DefaultColor
	}
	c.A = 255
	return c
}

// View is one picture: a camera looking at items, drawn into a rectangle
// of the target. A gallery of N files is N views, each with its own
// viewport and camera; a focused file is one view filling the window.
type View struct {
	// Viewport is the target rectangle in pixels, y down, in the target
	// image's coordinates. The picture is cropped where it leaves the target.
	Viewport image.Rectangle
	Camera   Camera
	Items    []Item
	// Background fills the viewport before the items are drawn.
	Background color.RGBA
	// Wireframe overlays the edges of the visible triangles in WireColor.
	Wireframe bool
}

// Bounds returns the world-space box that holds every item's mesh
// bounds after its Model transform; it is empty when no item has a face.
func (v *View) Bounds() mesh.Box {
	b := mesh.EmptyBox()
	for i := range v.Items {
		it := &v.Items[i]
		if it.Mesh == nil || it.Mesh.Bounds.IsEmpty() {
			continue
		}
		lo, hi := it.Mesh.Bounds.Min, it.Mesh.Bounds.Max
		for k := range 8 {
			p := lo
			for a := range 3 {
				if k&(1<<a) != 0 {
					p[a] = hi[a]
				}
			}
			b = b.Extend(mgl32.TransformCoordinate(p, it.Model))
		}
	}
	return b
}
