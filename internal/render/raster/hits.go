package raster

import (
	"image"

	"github.com/stlview/stlview/internal/render/scene"
)

// Hit is what one pixel of a Render shows.
type Hit struct {
	View  int     // index into the views given to Render
	Item  int     // index into that view's Items
	Face  int     // the face of the mesh the item drew (scene.Item.Level of the view's MaxFaces)
	Depth float32 // NDC depth of the face at the pixel's centre
}

// hitItem maps the global face numbers of one item of the last Render
// back to its view and item.
type hitItem struct {
	view, item   int
	face0, faces int
}

// recordHits keeps, for At, which views and items the faces of the Render
// that just ended belong to (indices only: no mesh is kept).
func (r *Renderer) recordHits(views []scene.View) {
	r.hits = r.hits[:0]
	if !r.hasIDs {
		return
	}
	// Views with an empty viewport were skipped by prepare: map the
	// prepared views back to the caller's.
	k := 0
	for vi := range views {
		if views[vi].Viewport.Intersect(r.dst.Rect).Empty() {
			continue
		}
		for ii := range views[vi].Items {
			m := views[vi].Items[ii].Level(views[vi].MaxFaces)
			if m == nil || m.Faces() == 0 {
				continue
			}
			it := &r.items[k]
			r.hits = append(r.hits, hitItem{view: vi, item: ii, face0: it.face0, faces: it.nfaces})
			k++
		}
	}
}

// At returns what pixel (x, y) of the target (in its own coordinates)
// showed in the last Render, if that Render was asked for face ids
// (scene.View.IDs) and a face covers the pixel. It reads no mesh. Only
// the goroutine that calls Render may call it; Picks copies what another
// goroutine may read.
func (r *Renderer) At(x, y int) (Hit, bool) {
	if !r.hasIDs {
		return Hit{}, false
	}
	p := Picks{rect: r.idRect, stride: 1, w: r.idRect.Dx(), ids: r.ids, depth: r.depth, hits: r.hits}
	return p.At(x, y)
}

// Picks is a copy of what the pixels of one Render showed, for picking
// after the Renderer has moved on: every stride-th pixel in each
// direction, the centre of each stride×stride block, so a picture drawn
// at stride times its size (supersampled) is picked at the size it is
// shown. Any goroutine may read a Picks.
type Picks struct {
	rect   image.Rectangle // the Render's target
	stride int
	w      int // samples per row
	ids    []uint32
	depth  []float32
	hits   []hitItem
}

// Picks returns a copy of the last Render's face ids, one sample of every
// stride×stride block, or nil if that Render recorded none.
func (r *Renderer) Picks(stride int) *Picks {
	if !r.hasIDs {
		return nil
	}
	stride = max(1, stride)
	w, h := r.idRect.Dx()/stride, r.idRect.Dy()/stride
	p := &Picks{rect: r.idRect, stride: stride, w: w, ids: make([]uint32, w*h), depth: make([]float32, w*h), hits: append([]hitItem(nil), r.hits...)}
	dw := r.idRect.Dx()
	for y := range h {
		row := (y*stride + stride/2) * dw
		for x := range w {
			i := row + x*stride + stride/2
			p.ids[y*w+x], p.depth[y*w+x] = r.ids[i], r.depth[i]
		}
	}
	return p
}

// At returns what the sample of pixel (x, y) showed, in the coordinates of
// the picture as shown (the Render's target divided by the stride).
func (p *Picks) At(x, y int) (Hit, bool) {
	if p == nil {
		return Hit{}, false
	}
	x0, y0 := p.rect.Min.X/p.stride, p.rect.Min.Y/p.stride
	if x < x0 || y < y0 || x-x0 >= p.w || (y-y0)*p.w >= len(p.ids) {
		return Hit{}, false
	}
	i := (y-y0)*p.w + (x - x0)
	id := p.ids[i]
	if id == 0 {
		return Hit{}, false
	}
	g := int(id - 1)
	for _, h := range p.hits {
		if g >= h.face0 && g < h.face0+h.faces {
			return Hit{View: h.view, Item: h.item, Face: g - h.face0, Depth: p.depth[i]}, true
		}
	}
	return Hit{}, false
}
