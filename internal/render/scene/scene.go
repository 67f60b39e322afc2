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
	// Levels are simplified versions of Mesh, finest first (package lod
	// makes them), or nil. A view with MaxFaces draws one of them instead
	// of Mesh; see Level. They must not change while a renderer reads them.
	Levels []*mesh.Mesh
	// Cull lets a backend skip the faces that cannot show: those seen from
	// behind (CullBack) on a closed mesh consistently wound outward, seen
	// from outside, or those seen from the front (CullFront) on one wound
	// inward (inside out). Faces are otherwise drawn from both sides, so
	// an inside-out part looks like the part. Backends ignore it for views
	// with a Section.
	Cull Cull
	// Model maps the mesh's coordinates to world space. Use
	// mgl32.Ident4() to draw the mesh where it is; the zero matrix draws
	// nothing useful.
	Model mgl32.Mat4
	// Color is used for faces without a colour of their own. Its alpha is
	// ignored, except that A == 0 means DefaultColor.
	Color mesh.Color
	// Smooth holds corner normals for smooth shading (package shading:
	// three packed normals a face, in face order) of the meshes the item
	// may draw, Mesh and any of Levels, keyed by mesh. A mesh with no
	// entry, or one of the wrong length, is shaded flat. The slices must
	// not change while a renderer reads them.
	Smooth map[*mesh.Mesh][]uint32
}

// CornerNormals returns the corner normals of m, the item's Mesh or one
// of its Levels, for smooth shading, or nil to shade m flat.
func (it *Item) CornerNormals(m *mesh.Mesh) []uint32 {
	if ns := it.Smooth[m]; m != nil && len(ns) == 3*m.Faces() {
		return ns
	}
	return nil
}

// Cull says which faces of an item may be skipped; see Item.Cull.
type Cull int8

const (
	CullNone  Cull = iota // draw every face, from both sides
	CullBack              // skip faces seen from behind (outward winding)
	CullFront             // skip faces seen from the front (inward winding)
)

// Level returns the mesh the item draws when at most maxFaces faces may be
// drawn: the finest of Mesh and Levels with at most maxFaces faces, or the
// coarsest when none has so few; Mesh itself for maxFaces 0.
func (it *Item) Level(maxFaces int) *mesh.Mesh {
	if maxFaces <= 0 || it.Mesh == nil || it.Mesh.Faces() <= maxFaces || len(it.Levels) == 0 {
		return it.Mesh
	}
	for _, lv := range it.Levels {
		if lv.Faces() <= maxFaces {
			return lv
		}
	}
	return it.Levels[len(it.Levels)-1]
}

// FaceColor returns the base colour of face f before shading: the mesh's
// own colour for the face when it has one (A != 0), else the item's Color,
// else DefaultColor. The returned alpha is always 255.
func (it *Item) FaceColor(f int) mesh.Color { return it.FaceColorOf(it.Mesh, f) }

// FaceColorOf is FaceColor for face f of m, the item's Mesh or one of its
// Levels.
func (it *Item) FaceColorOf(m *mesh.Mesh, f int) mesh.Color {
	c := it.Color
	if cs := m.Colors; cs != nil && cs[f].A != 0 {
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

	// MaxFaces bounds the faces each item draws (Item.Level); 0 draws
	// every item's full Mesh.
	MaxFaces int
	// BackTint draws the faces seen from behind in BackColor, so inverted
	// faces can be found; otherwise they look like the others (lit as if
	// they faced the eye).
	BackTint bool
	// Section, if set, cuts away the part of every item beyond a plane.
	// Faces seen from behind through the cut are the inside of the part's
	// walls: they take CapColor, unshaded, so the wall's thickness shows
	// as a flat cut face.
	Section *Section
	// Lines are segments drawn over the items, depth-tested against them,
	// LineWidth pixels wide (times Scale).
	Lines []Line
	// Scale is the target's pixels per pixel of the picture the user sees:
	// 2 when the view is drawn at twice the size to be filtered down
	// (antialiasing), so wireframe and lines keep their width. 0 means 1.
	Scale float32
	// IDs asks a backend that can to record which face each pixel shows,
	// for picking (render's Pick).
	IDs bool
}

// Line is a segment in world space, drawn in Color.
type Line struct {
	A, B  mgl32.Vec3
	Color color.RGBA
}

// PixelScale returns the view's Scale, 1 when unset.
func (v *View) PixelScale() float32 {
	if v.Scale > 0 {
		return v.Scale
	}
	return 1
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
