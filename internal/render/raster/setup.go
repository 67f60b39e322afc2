package raster

import (
	"image"
	"slices"
)

// binTri is a face set up for drawing: what a band worker needs, stored
// whole so that it reads its bins in order instead of fetching indices,
// vertices and normals from all over the mesh.
type binTri struct {
	x, y  [3]int32   // corners in subpixels, clockwise on screen (y down)
	z     [3]float32 // corners' NDC depth
	color uint32     // shaded colour, packed as in dst.Pix (flat faces)
	view  uint32     // index into frame.views
	id    uint32     // global face number + 1, for the face-id buffer
	// cos holds, for a smooth-shaded face, each corner's cosine with the
	// light (from the side the eye sees) in units of 1/cosOne; shade says
	// how the face is shaded.
	cos   [3]int16
	shade uint8
}

// Shading of a binTri.
const (
	shadeFlat       = iota // in color
	shadeSmooth            // interpolating cos, in the item's base colour
	shadeSmoothBack        // interpolating cos, a face seen from behind
)

// cosOne is 1 in binTri.cos's units.
const cosOne = 1<<15 - 1

// setup culls, clips, shades and bins global faces lo..hi-1 as setup
// worker w (phaseSetup): every face that covers a pixel centre of its view
// is appended to the bins of the bands its bounding box touches.
func (r *Renderer) setup(w, lo, hi int) {
	bins := r.bins[w*r.nbands : (w+1)*r.nbands]
	for b := range bins {
		bins[b] = bins[b][:0]
	}
	for i := range r.items {
		it := &r.items[i]
		a, b := max(lo, it.face0), min(hi, it.face0+it.nfaces)
		if a < b {
			r.setupFaces(it, a-it.face0, b-it.face0, bins)
		}
	}
}

// setupFaces does setup's work for local faces lo..hi-1 of it.
func (r *Renderer) setupFaces(it *itemJob, lo, hi int, bins []bin) {
	vj := &r.views[it.view]
	vs := r.verts[it.vert0 : it.vert0+it.nverts]
	idx := it.mesh.Indices
	var cos [3]float32
	var soup [3]vertex // a soup face's corners, projected here
	for f := lo; f < hi; f++ {
		var a, b, c *vertex
		var corners []vertex // what clipFace may reuse
		if idx != nil {
			a, b, c = &vs[idx[3*f]], &vs[idx[3*f+1]], &vs[idx[3*f+2]]
			corners = vs
		} else {
			projectVertices(vj, &it.mvp, it.mesh.Positions[9*f:9*f+9], soup[:])
			a, b, c = &soup[0], &soup[1], &soup[2]
			corners = soup[:]
		}
		if a.out|b.out|c.out != 0 {
			if a.out&b.out&c.out&beyondCut == 0 { // not wholly cut away
				r.clipFace(it, f, corners, bins)
			}
			continue
		}
		if it.corners == nil {
			r.bin(vj, it, f, a, b, c, nil, bins)
			continue
		}
		for k := range 3 {
			cos[k] = it.cornerCos(f, k)
		}
		r.bin(vj, it, f, a, b, c, &cos, bins)
	}
}

// bin appends triangle a, b, c of local face f of it, if it covers a pixel
// centre of its view, to the bins of the bands it touches. Faces are drawn
// from both sides unless the item may cull those seen from behind. cos
// holds the corners' cosines with the light, seen from the front, for a
// smooth-shaded item, and is nil for a flat one.
func (r *Renderer) bin(vj *viewJob, it *itemJob, f int, a, b, c *vertex, cos *[3]float32, bins []bin) {
	ar := area(a, b, c)
	if ar == 0 || ar*it.cull > 0 {
		return // no area, or a face that cannot show
	}
	back := ar*it.front < 0
	x0, x1, y0, y1 := pixelSpan(a, b, c, vj.clip)
	if x0 > x1 || y0 > y1 {
		return // covers no pixel centre of the view
	}
	t := binTri{
		x:    [3]int32{a.x, b.x, c.x},
		y:    [3]int32{a.y, b.y, c.y},
		z:    [3]float32{a.z, b.z, c.z},
		view: uint32(it.view),
		id:   uint32(it.face0+f) + 1,
	}
	if cos == nil || back && vj.section {
		t.color = packShaded(it, vj, f, back)
	} else {
		t.shade = shadeSmooth
		sign := float32(cosOne)
		if back {
			t.shade, sign = shadeSmoothBack, -cosOne
		}
		for k := range 3 {
			t.cos[k] = int16(max(-cosOne, min(cosOne, cos[k]*sign)))
		}
	}
	if ar < 0 {
		// Store clockwise on screen: inside to the right of each edge.
		t.x[1], t.x[2] = t.x[2], t.x[1]
		t.y[1], t.y[2] = t.y[2], t.y[1]
		t.z[1], t.z[2] = t.z[2], t.z[1]
		t.cos[1], t.cos[2] = t.cos[2], t.cos[1]
	}
	for band := y0 >> r.bandShift; band <= y1>>r.bandShift; band++ {
		b := bins[band]
		if len(b) == cap(b) {
			// Double: append grows big slices by a quarter, which leaves
			// four times the final size behind as garbage.
			b = slices.Grow(b, max(len(b), 1024))
		}
		bins[band] = append(b, t)
	}
}

// area returns twice the signed area of triangle a, b, c in subpixels²
// (y down): positive when a, b, c turn clockwise on screen.
func area(a, b, c *vertex) int64 {
	return int64(b.x-a.x)*int64(c.y-a.y) - int64(b.y-a.y)*int64(c.x-a.x)
}

// pixelSpan returns the first and last columns and rows of pixels in clip
// whose centres lie in the bounding box of a, b, c; the span is empty
// (x0 > x1 or y0 > y1) when there is none.
func pixelSpan(a, b, c *vertex, clip image.Rectangle) (x0, x1, y0, y1 int32) {
	return span(min(a.x, b.x, c.x), max(a.x, b.x, c.x), min(a.y, b.y, c.y), max(a.y, b.y, c.y), clip)
}

// span returns the pixels in clip whose centres lie in the subpixel box
// [minX, maxX] × [minY, maxY], as first and last column and row.
func span(minX, maxX, minY, maxY int32, clip image.Rectangle) (x0, x1, y0, y1 int32) {
	// The first pixel i with i·one + half ≥ min, the last with ≤ max.
	x0 = max((minX-half+one-1)>>subBits, int32(clip.Min.X))
	x1 = min((maxX-half)>>subBits, int32(clip.Max.X-1))
	y0 = max((minY-half+one-1)>>subBits, int32(clip.Min.Y))
	y1 = min((maxY-half)>>subBits, int32(clip.Max.Y-1))
	return x0, x1, y0, y1
}
