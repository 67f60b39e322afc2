package render

import (
	"image"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/nice"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
)

// A Refiner draws views at rest: at the detail they ask for (full, for a
// view with MaxFaces 0), supersampled so that edges are smooth, with the
// face under every pixel recorded for picking. It draws with package
// raster on threads of the lowest priority (package nice), so the window
// keeps its frames while a 10-million-face picture takes a few hundred
// milliseconds, and it shows the picture only once it is complete.
//
// The game goroutine calls Start when the camera comes to rest, Ready and
// Present from Draw, and Pick for the picture last presented; a Start
// abandons the picture in progress (the drawing stops at its next batch
// of faces). Only the game goroutine may call its methods.
type Refiner struct {
	r    *raster.Renderer // used only by the loop goroutine
	wake chan struct{}    // cap 1: a job was queued, or Close was called
	done chan struct{}    // closed when the loop goroutine returns

	// mu guards the fields below, shared with the loop goroutine.
	mu      sync.Mutex
	queued  *refineJob // the job to draw next, or nil
	drawing *refineJob // the job the loop is drawing, or nil
	ready   *refineJob // the finished job Present will show, or nil
	closed  bool

	seq   int        // the sequence number of the last job queued; game goroutine only
	shown *refineJob // the job last presented, for Pick; game goroutine only
	buf   []byte     // a viewport's pixels, contiguous, for WritePixels
}

// refineJob is one picture to draw.
type refineJob struct {
	seq   int
	size  image.Point  // the picture, as shown
	ss    int          // supersampling factor
	views []scene.View // scaled by ss; dropped once drawn, so no mesh is kept
	shown []image.Rectangle

	stop  bool // set under Refiner.mu to abandon it
	img   *image.RGBA
	picks *raster.Picks
	took  time.Duration
}

// NewRefiner starts a Refiner's background goroutine. Close stops it.
func NewRefiner() *Refiner {
	f := &Refiner{
		r:    raster.NewWithStart(runtime.NumCPU(), func() { _ = nice.Lower() }),
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	go f.loop()
	return f
}

// Start queues views to be drawn at rest into a picture of the given size
// (the target the views' viewports lie in), supersampled by ss in each
// direction (1 for none), abandoning any picture queued or in progress.
// The views are copied; their meshes must stay unchanged until the
// picture is presented or abandoned, as for any renderer.
func (f *Refiner) Start(size image.Point, views []scene.View, ss int) {
	ss = max(1, ss)
	f.seq++
	j := &refineJob{seq: f.seq, size: size, ss: ss}
	for _, v := range views {
		j.shown = append(j.shown, v.Viewport)
		v.Items = slices.Clone(v.Items)
		v.Lines = slices.Clone(v.Lines)
		if v.Section != nil {
			s := *v.Section
			v.Section = &s
		}
		v.Viewport = image.Rectangle{Min: v.Viewport.Min.Mul(ss), Max: v.Viewport.Max.Mul(ss)}
		v.Scale = float32(ss) * v.PixelScale()
		v.IDs = true
		j.views = append(j.views, v)
	}
	f.mu.Lock()
	f.abandonLocked()
	f.queued = j
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Cancel abandons the picture queued or in progress, if any, and any
// finished one not yet presented.
func (f *Refiner) Cancel() {
	f.mu.Lock()
	f.abandonLocked()
	f.mu.Unlock()
}

// abandonLocked drops the queued, drawing and ready jobs. Callers hold mu.
func (f *Refiner) abandonLocked() {
	if f.drawing != nil {
		f.drawing.stop = true
	}
	f.queued, f.ready = nil, nil
}

// Pending reports whether a picture is queued or being drawn.
func (f *Refiner) Pending() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queued != nil || (f.drawing != nil && !f.drawing.stop)
}

// Ready reports whether the last picture started is complete and waits
// for Present.
func (f *Refiner) Ready() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ready != nil && f.ready.seq == f.seq
}

// Present copies the finished picture's viewports into dst, which must be
// the size given to Start, and makes it the picture Pick answers for. It
// reports whether there was a picture to show, and how long drawing it
// took.
func (f *Refiner) Present(dst *ebiten.Image) (bool, time.Duration) {
	j := f.take()
	if j == nil {
		return false, 0
	}
	for _, vp := range j.shown {
		vp = vp.Intersect(j.img.Rect).Intersect(dst.Bounds())
		if vp.Empty() {
			continue
		}
		var pix []byte
		pix, f.buf = rectPixels(f.buf, j.img, vp)
		dst.SubImage(vp).(*ebiten.Image).WritePixels(pix)
	}
	return true, j.took
}

// PresentInto copies the finished picture's viewports into img, which
// must be the size given to Start, as Present does into an Ebitengine
// image; see Present.
func (f *Refiner) PresentInto(img *image.RGBA) (bool, time.Duration) {
	j := f.take()
	if j == nil {
		return false, 0
	}
	for _, vp := range j.shown {
		vp = vp.Intersect(j.img.Rect).Intersect(img.Rect)
		for y := vp.Min.Y; y < vp.Max.Y; y++ {
			copy(img.Pix[img.PixOffset(vp.Min.X, y):img.PixOffset(vp.Max.X, y)], j.img.Pix[j.img.PixOffset(vp.Min.X, y):j.img.PixOffset(vp.Max.X, y)])
		}
	}
	return true, j.took
}

// take returns the finished job of the last Start, if it is ready, and
// makes it the one shown.
func (f *Refiner) take() *refineJob {
	f.mu.Lock()
	j := f.ready
	f.ready = nil
	f.mu.Unlock()
	if j == nil || j.seq != f.seq {
		return nil
	}
	f.shown = j
	return j
}

// Pick returns what pixel (x, y) of the picture last presented shows: the
// view, item and face (of the level the view drew: the item's Mesh at
// full detail), and its NDC depth. ok is false for the background, or
// when no picture has been presented since Forget.
func (f *Refiner) Pick(x, y int) (raster.Hit, bool) {
	if f.shown == nil {
		return raster.Hit{}, false
	}
	return f.shown.picks.At(x, y)
}

// Picture returns the picture last presented, or nil. The caller must not
// change it.
func (f *Refiner) Picture() *image.RGBA {
	if f.shown == nil {
		return nil
	}
	return f.shown.img
}

// Forget drops the picture last presented (a mesh it showed went away):
// Pick answers nothing until the next Present.
func (f *Refiner) Forget() { f.shown = nil }

// Close stops the background goroutine and its workers, abandoning any
// picture, and waits for them. The Refiner must not be used afterwards.
func (f *Refiner) Close() {
	f.mu.Lock()
	f.abandonLocked()
	f.closed = true
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
	<-f.done
	f.r.Close()
}

// loop draws queued jobs until Close, on a thread of lowest priority.
func (f *Refiner) loop() {
	defer close(f.done)
	_ = nice.Lower()
	for range f.wake {
		for {
			f.mu.Lock()
			if f.closed {
				f.mu.Unlock()
				return
			}
			j := f.queued
			f.queued, f.drawing = nil, j
			f.mu.Unlock()
			if j == nil {
				break
			}
			f.draw(j)
		}
	}
}

// draw draws job j, unless it is abandoned meanwhile.
func (f *Refiner) draw(j *refineJob) {
	start := time.Now()
	big := image.NewRGBA(image.Rectangle{Max: j.size.Mul(j.ss)})
	stopped := func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return j.stop
	}
	complete := f.r.RenderUnless(big, j.views, stopped)
	j.views = nil
	if complete {
		j.picks = f.r.Picks(j.ss)
		j.img = big
		if j.ss > 1 {
			j.img = image.NewRGBA(image.Rectangle{Max: j.size})
			raster.Downsample(j.img, big, j.ss)
		}
	}
	j.took = time.Since(start)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drawing = nil
	if complete && !j.stop {
		f.ready = j
	}
}

// rectPixels returns the pixels of rectangle r of img, row after row: in
// img's own array when the rows are whole, else copied into buf (grown as
// needed). It also returns buf, grown, for the caller to keep: never
// keep pix, which may be img's.
func rectPixels(buf []byte, img *image.RGBA, r image.Rectangle) (pix, scratch []byte) {
	row := 4 * r.Dx()
	if r.Min.X == img.Rect.Min.X && r.Max.X == img.Rect.Max.X {
		off := img.PixOffset(r.Min.X, r.Min.Y)
		return img.Pix[off : off+row*r.Dy()], buf // whole rows: already contiguous
	}
	buf = resize(buf, row*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := img.PixOffset(r.Min.X, y)
		copy(buf[(y-r.Min.Y)*row:], img.Pix[off:off+row])
	}
	return buf, buf
}
