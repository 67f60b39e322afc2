package raster

import (
	"encoding/binary"
	"math"

	"github.com/stlview/stlview/internal/render/scene"
)

// lineJob is a line of a view, clipped to the near plane (and the view's
// section) and projected: pixel coordinates relative to the target's Min,
// NDC depth at both ends.
type lineJob struct {
	x0, y0, z0, x1, y1, z1 float32
	color                  uint32
	rows                   [2]int32 // the pixel rows it may touch
}

// lineDepthBias is how much nearer than the surface a line is drawn, in NDC
// depth: lines lie on edges of the faces (feature edges, problem edges),
// and without it the faces beside them would hide half their width.
const lineDepthBias = 2e-3

// projectLines appends the lines of a view to out, clipped and projected.
func (r *Renderer) projectLines(out []lineJob, fr *scene.Frame, vj *viewJob, lines []scene.Line) []lineJob {
	if len(lines) == 0 {
		return out
	}
	planes := []([4]float64){scene.NearPlane}
	if vj.nplanes > 5 {
		planes = append(planes, vj.planes[5])
	}
	vp := &fr.ViewProjection
	for _, l := range lines {
		var seg [2]scene.ClipVertex
		for k, p := range [2][3]float32{l.A, l.B} {
			cx, cy, cz, cw := clipCoords(vp, p[0], p[1], p[2])
			seg[k].C = [4]float64{float64(cx), float64(cy), float64(cz), float64(cw)}
		}
		ok := true
		for _, pl := range planes {
			if ok = clipSegment(&seg, pl); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		var lj lineJob
		var xy [2][3]float32
		for k := range 2 {
			c := seg[k].C
			if !(c[3] > 0) {
				ok = false
				break
			}
			xy[k] = [3]float32{
				(vj.ox + vj.sx*float32(c[0]/c[3])) / one,
				(vj.oy - vj.sy*float32(c[1]/c[3])) / one,
				float32(c[2] / c[3]),
			}
		}
		if !ok || math.IsNaN(float64(xy[0][0]+xy[0][1]+xy[1][0]+xy[1][1])) {
			continue
		}
		lj.x0, lj.y0, lj.z0 = xy[0][0], xy[0][1], xy[0][2]
		lj.x1, lj.y1, lj.z1 = xy[1][0], xy[1][1], xy[1][2]
		lj.color = pack(l.Color)
		lo := float64(min(lj.y0, lj.y1) - vj.lineHalf - 1)
		hi := float64(max(lj.y0, lj.y1) + vj.lineHalf + 1)
		lj.rows = [2]int32{int32(max(lo, float64(vj.clip.Min.Y))), int32(min(hi, float64(vj.clip.Max.Y-1)))}
		if lj.rows[0] > lj.rows[1] {
			continue
		}
		out = append(out, lj)
	}
	return out
}

// clipSegment cuts the segment seg to the side of plane pl where pl·C ≥ 0
// and reports whether any of it is left.
func clipSegment(seg *[2]scene.ClipVertex, pl [4]float64) bool {
	d := func(v *scene.ClipVertex) float64 {
		return pl[0]*v.C[0] + pl[1]*v.C[1] + pl[2]*v.C[2] + pl[3]*v.C[3]
	}
	da, db := d(&seg[0]), d(&seg[1])
	switch {
	case da >= 0 && db >= 0:
		return true
	case da < 0 && db < 0:
		return false
	}
	t := da / (da - db)
	var p [4]float64
	for k := range 4 {
		p[k] = seg[0].C[k] + t*(seg[1].C[k]-seg[0].C[k])
	}
	if da < 0 {
		seg[0].C = p
	} else {
		seg[1].C = p
	}
	return true
}

// drawLines draws every view's lines within band b (phaseLines), after all
// faces: each pixel whose centre lies within half a line width of a line
// (a rectangle around the segment, its ends extended as far) takes the
// line's colour where the line, pulled lineDepthBias nearer, passes the
// depth test. Lines do not write depth: crossing lines both show.
func (r *Renderer) drawLines(b int) {
	y0 := int32(b << r.bandShift)
	y1 := min(y0+1<<r.bandShift, int32(r.dst.Rect.Dy())) - 1
	dw, stride := r.dst.Rect.Dx(), r.dst.Stride
	for v := range r.views {
		vj := &r.views[v]
		for i := range vj.lines {
			l := &vj.lines[i]
			ry0, ry1 := max(y0, l.rows[0]), min(y1, l.rows[1])
			if ry0 > ry1 {
				continue
			}
			dx, dy := float64(l.x1-l.x0), float64(l.y1-l.y0)
			length := math.Hypot(dx, dy)
			hw := float64(vj.lineHalf)
			if length < 1e-6 {
				dx, dy, length = 1, 0, 1 // a dot: a square of the line's width
			}
			nx, ny := -dy/length, dx/length // unit normal
			tx, ty := dx/(length*length), dy/(length*length)
			ext := hw / length // extend the ends by half a width
			for y := ry0; y <= ry1; y++ {
				yc := float64(y) + 0.5 - float64(l.y0)
				// |n·(p−a)| ≤ hw and −ext ≤ t·(p−a) ≤ 1+ext, both linear in x.
				lo, hi := math.Inf(-1), math.Inf(1)
				lo, hi = band1(lo, hi, nx, ny*yc, -hw, hw)
				lo, hi = band1(lo, hi, tx, ty*yc, -ext, 1+ext)
				xs := max(int32(math.Ceil(lo+float64(l.x0)-0.5)), int32(vj.clip.Min.X))
				xe := min(int32(math.Floor(hi+float64(l.x0)-0.5)), int32(vj.clip.Max.X-1))
				for x := xs; x <= xe; x++ {
					px := float64(x) + 0.5 - float64(l.x0)
					t := min(max(tx*px+ty*yc, 0), 1)
					z := float32(float64(l.z0)+t*float64(l.z1-l.z0)) - lineDepthBias
					if z <= r.depth[int(y)*dw+int(x)] {
						binary.LittleEndian.PutUint32(r.dst.Pix[int(y)*stride+4*int(x):], l.color)
					}
				}
			}
		}
	}
}

// band1 narrows [lo, hi] to the x where a·x + b lies in [min, max].
func band1(lo, hi, a, b, vmin, vmax float64) (float64, float64) {
	if a == 0 {
		if b < vmin || b > vmax {
			return 1, 0
		}
		return lo, hi
	}
	p, q := (vmin-b)/a, (vmax-b)/a
	if p > q {
		p, q = q, p
	}
	return max(lo, p), min(hi, q)
}
