package render

import (
	"image"
	"time"

	"github.com/stlview/stlview/internal/render/scene"
)

// Cost models how long a backend takes to draw a frame: Fixed, plus
// PerPixel for every pixel of the views' viewports, plus PerFace for every
// face of the levels it draws. Times are in nanoseconds.
type Cost struct {
	Fixed, PerPixel, PerFace float64
}

// Time returns the predicted time of a frame of faces faces over pixels
// pixels.
func (c Cost) Time(faces, pixels int) time.Duration {
	return time.Duration(c.Fixed + c.PerPixel*float64(pixels) + c.PerFace*float64(faces))
}

// Faces returns how many faces fit in budget in a frame of pixels pixels:
// at least minFaces, so a view never draws nothing.
func (c Cost) Faces(budget time.Duration, pixels int) int {
	left := float64(budget) - c.Fixed - c.PerPixel*float64(pixels)
	if c.PerFace <= 0 {
		return maxFaces
	}
	return min(max(int(left/c.PerFace), minFaces), maxFaces)
}

// Bounds of Cost.Faces and FitDetail.
const (
	minFaces = 2000
	maxFaces = 1 << 30
)

// costMeter learns a backend's Cost from the frames it draws. It starts
// from a prior for the kind of backend and follows each frame's measured
// time with an exponential moving average: frames with many faces teach
// the cost of a face, frames with few the cost of a pixel. A backend that
// can time its pixel work apart (the CPU backend's upload) says so with
// observeSplit, and the two are learnt apart.
type costMeter struct {
	c Cost
	// clear is the per-pixel part of PerPixel spent in the drawing step
	// (clearing), upload the part spent after it; with observeSplit,
	// PerPixel is their sum.
	clear, upload float64
	// The last frame observeSplit saw: its faces, pixels and drawing time.
	lastFaces, lastPixels int
	lastTime              float64
}

// Learning rates and the frames that teach each figure.
const (
	costRate        = 0.2
	faceFrameFaces  = 20_000 // frames with at least this many faces teach PerFace
	pixelFrameFaces = 4_000  // frames with at most this many faces teach PerPixel
)

// observe learns from one frame that took d to draw faces faces over
// pixels pixels.
func (m *costMeter) observe(d time.Duration, faces, pixels int) {
	t := float64(d)
	switch {
	case faces >= faceFrameFaces:
		est := (t - m.c.Fixed - m.c.PerPixel*float64(pixels)) / float64(faces)
		est = min(max(est, 0.5), 5000)
		m.c.PerFace += costRate * (est - m.c.PerFace)
	case faces <= pixelFrameFaces && pixels > 0:
		est := (t - m.c.Fixed - m.c.PerFace*float64(faces)) / float64(pixels)
		est = min(max(est, 0.01), 1000)
		m.c.PerPixel += costRate * (est - m.c.PerPixel)
	}
}

// observeSplit learns from a frame whose drawing took draw and whose pixel
// work after it (an upload) took after, for a backend that times them
// apart (the CPU one).
//
// A frame's drawing is a part that does not depend on the level of detail
// (clearing the pixels, and filling the ones the part covers: the same
// pixels whatever the level) plus a part in proportion to the faces (their
// set-up): t = base + PerFace·faces. Learning both from frames of one
// level cannot tell them apart, so base follows every frame (with PerFace
// as it stands), and PerFace is learnt only from two frames of different
// levels, whose difference in time is the difference in faces, at most
// threefold a frame, so that one cold frame does not starve the next.
// Fixed and PerPixel then model base for the frame's pixels: PerPixel
// keeps the upload's measured cost and the prior's clearing, and Fixed
// takes the rest.
func (m *costMeter) observeSplit(draw, after time.Duration, faces, pixels int) {
	if pixels <= 0 {
		return
	}
	if m.clear == 0 && m.upload == 0 {
		m.clear, m.upload = m.c.PerPixel/3, 2*m.c.PerPixel/3
	}
	m.upload += costRate * (float64(after)/float64(pixels) - m.upload)
	t := float64(draw)
	if m.lastFaces > 0 && pixels == m.lastPixels && faces != m.lastFaces {
		df := float64(faces - m.lastFaces)
		if df < 0 {
			df = -df
		}
		if df >= splitFrameFaces {
			est := (t - m.lastTime) / float64(faces-m.lastFaces)
			if est > 0 {
				est = min(max(est, m.c.PerFace/3, 0.5), 3*m.c.PerFace, 5000)
				m.c.PerFace += costRate * (est - m.c.PerFace)
			}
		}
	}
	m.lastFaces, m.lastPixels, m.lastTime = faces, pixels, t
	base := t - m.c.PerFace*float64(faces)
	m.c.PerPixel = m.clear + m.upload
	fixed := max(0, base-m.clear*float64(pixels))
	m.c.Fixed += costRate * (fixed - m.c.Fixed)
}

// splitFrameFaces is the least difference in faces between two frames
// that teaches observeSplit the cost of a face.
const splitFrameFaces = 2000

// Detail is how FitDetail sizes the levels of detail of moving views.
type Detail struct {
	// Budget is the time the views may take together.
	Budget time.Duration
	// FacesPerPixel caps the faces a view draws at this many per pixel
	// that its items cover on screen: more cannot be told apart in a
	// moving picture. 0 means 2.
	FacesPerPixel float64
}

// FitDetail sets the MaxFaces of every view so that drawing them with
// cost c takes about d.Budget: the faces that fit are shared among the
// views in proportion to their pixels, and no view draws more than
// d.FacesPerPixel faces per pixel its items cover. A wireframe view draws
// a level whose edges lie a few pixels apart, so it reads as a mesh and
// not as a dark blob. Views are changed in place.
func FitDetail(views []scene.View, c Cost, d Detail) {
	if d.FacesPerPixel <= 0 {
		d.FacesPerPixel = 2
	}
	total := 0
	for i := range views {
		total += area(views[i].Viewport)
	}
	faces := c.Faces(d.Budget, total)
	for i := range views {
		v := &views[i]
		px := area(v.Viewport)
		share := faces
		if total > 0 {
			share = int(float64(faces) * float64(px) / float64(total))
		}
		covered := float64(CoveredPixels(v))
		limit := d.FacesPerPixel * covered
		if v.Wireframe {
			limit = covered / wireCellPixels
		}
		v.MaxFaces = max(minFaces, min(share, int(limit)))
	}
}

// wireCellPixels is the screen area a face of a wireframe level covers:
// triangles about 6 pixels on a side.
const wireCellPixels = 18

// CoveredPixels estimates the pixels of v's viewport that its items cover:
// the area of the projection of the box that holds them, clipped to the
// viewport. A box that reaches behind the eye covers the whole viewport.
func CoveredPixels(v *scene.View) int {
	f := v.Frame()
	b := f.Bounds
	if b.IsEmpty() {
		return 0
	}
	r := image.Rectangle{}
	first := true
	for k := range 8 {
		p := b.Min
		for a := range 3 {
			if k&(1<<a) != 0 {
				p[a] = b.Max[a]
			}
		}
		x, y, _, ok := f.Project(p)
		if !ok {
			return area(v.Viewport)
		}
		q := image.Rect(int(x), int(y), int(x)+1, int(y)+1)
		if first {
			r, first = q, false
		} else {
			r = r.Union(q)
		}
	}
	return area(r.Intersect(v.Viewport))
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
