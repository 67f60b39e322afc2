package scene

import (
	"image"
	"time"
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
// at least MinFaces, so a view never draws nothing.
func (c Cost) Faces(budget time.Duration, pixels int) int {
	left := float64(budget) - c.Fixed - c.PerPixel*float64(pixels)
	if c.PerFace <= 0 {
		return maxFaces
	}
	return min(max(int(left/c.PerFace), MinFaces), maxFaces)
}

// Bounds of Cost.Faces and FitDetail.
const (
	MinFaces = 2000 // the fewest faces a view is allowed, so none draws nothing
	maxFaces = 1 << 30
)

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
func FitDetail(views []View, c Cost, d Detail) {
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
		v.MaxFaces = max(MinFaces, min(share, int(limit)))
	}
}

// WireDetail limits a wireframe view, even one drawn at full detail, to
// the level whose edges lie a few pixels apart (as FitDetail does for
// moving views): the full mesh of a dense part would be a dark blob. A
// view without wireframe is left as it is.
func WireDetail(v *View) {
	if !v.Wireframe {
		return
	}
	limit := max(MinFaces, CoveredPixels(v)/wireCellPixels)
	if v.MaxFaces == 0 || v.MaxFaces > limit {
		v.MaxFaces = limit
	}
}

// wireCellPixels is the screen area a face of a wireframe level covers:
// triangles about 6 pixels on a side.
const wireCellPixels = 18

// CoveredPixels estimates the pixels of v's viewport that its items cover:
// the area of the projection of the box that holds them, clipped to the
// viewport. A box that reaches behind the eye covers the whole viewport.
func CoveredPixels(v *View) int {
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
