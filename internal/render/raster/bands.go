package raster

import "encoding/binary"

// drawBand fills band b as band worker w (phaseBands): for each view in
// order, it clears the view's rows in the band when clear is set, then
// draws the view's faces from every setup worker's bin. Setup worker s set up a range
// of faces above those of worker s-1, so taking the bins in worker order
// draws the faces in their order, and equal depths resolve the same way
// however the work was split: the first face drawn wins.
func (r *Renderer) drawBand(w, b int, clearRows bool) {
	y0 := int32(b << r.bandShift)
	y1 := min(y0+1<<r.bandShift, int32(r.dst.Rect.Dy())) - 1
	cur := r.cursors[w]
	clear(cur)
	for v := range r.views {
		vj := &r.views[v]
		ry0, ry1 := max(y0, int32(vj.clip.Min.Y)), min(y1, int32(vj.clip.Max.Y-1))
		if ry0 > ry1 {
			continue // setup put none of the view's faces in this band
		}
		if clearRows {
			r.clearRows(vj, ry0, ry1)
		}
		for s := range r.workers {
			list := r.bins[s*r.nbands+b]
			k := cur[s]
			for ; k < len(list) && list[k].view == uint32(v); k++ {
				r.drawTriangle(vj, &list[k], ry0, ry1)
			}
			cur[s] = k
		}
	}
}

// clearRows fills rows y0..y1 of view vj with its background and the
// depth buffer there with +Inf.
func (r *Renderer) clearRows(vj *viewJob, y0, y1 int32) {
	w, stride := r.dst.Rect.Dx(), r.dst.Stride
	x0, x1 := vj.clip.Min.X, vj.clip.Max.X
	for y := int(y0); y <= int(y1); y++ {
		d := r.depth[y*w+x0 : y*w+x1]
		d[0] = inf32
		repeat(d, 1)
		p := r.dst.Pix[y*stride+4*x0 : y*stride+4*x1]
		binary.LittleEndian.PutUint32(p, vj.bg)
		repeat(p, 4)
		if r.wantIDs {
			clear(r.ids[y*w+x0 : y*w+x1])
		}
	}
}

// repeat fills s with copies of its first n elements. Copying ever larger
// blocks lets copy use its wide moves: much faster than a loop.
func repeat[E any](s []E, n int) {
	for n < len(s) {
		n += copy(s[n:], s[:n])
	}
}
