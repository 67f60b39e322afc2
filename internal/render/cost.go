package render

import (
	"image"
	"time"

	"github.com/stlview/stlview/internal/render/scene"
)

// costMeter learns a backend's Cost from the frames it draws. It starts
// from a prior for the kind of backend and follows each frame's measured
// time with an exponential moving average: frames with many faces teach
// the cost of a face, frames with few the cost of a pixel. A backend that
// can time its pixel work apart (the CPU backend's upload) says so with
// observeSplit, and the two are learnt apart.
type costMeter struct {
	c scene.Cost
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

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
