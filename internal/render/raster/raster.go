// Package raster draws scene views into an image.RGBA on the CPU.
//
// It is an exact z-buffer rasterizer: vertices are projected once, faces
// are culled, clipped against the near plane where needed and sorted into
// horizontal bands of the target, and each band is then filled by one
// goroutine with a float32 depth test per pixel. Coverage is decided on
// integer (fixed-point) coordinates with a top-left fill rule, so faces
// that share an edge neither overlap nor leave gaps, and the picture does
// not depend on how the work was split. Faces are flat-shaded with
// scene.Shade, so it matches the GPU backend's shading.
//
// A frame runs in three phases on persistent worker goroutines: project
// the vertices (in ranges), set up and bin the faces (in ranges), fill the
// bands (each band is taken whole by one worker, which alone writes its
// rows of the colour and depth buffers: no locks).
package raster

import (
	"image"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// NominalCost is what drawing with a Renderer costs on two cores of the
// project's machine, drawing faces from both sides: a starting point for
// a backend that measures its own frames, and the cost pictures at
// interactive detail are sized by.
var NominalCost = scene.Cost{Fixed: 300e3, PerPixel: 3, PerFace: 25}

// MaxTargetSize is the largest width and height of a target image that
// Render accepts: it keeps the fixed-point arithmetic within int64.
const MaxTargetSize = 1 << 16

// Renderer draws scene views into images.
//
// A Renderer is not safe for concurrent use: one goroutine at a time may
// call Render or Close. The first Render starts worker goroutines that stay
// until Close; buffers (projected vertices, depth, face lists) are kept
// between frames and grow only when a scene or target grows, so once warm
// a Render allocates nothing. A zero Renderer is ready to use and works on
// GOMAXPROCS goroutines.
type Renderer struct {
	workers int    // goroutines that share a frame, the caller's included
	onStart func() // run first by each background worker, or nil

	// Background worker w (1 ≤ w < workers) waits on wake[w-1] for a
	// phase, runs its share and sends on done. The sends and receives
	// order every access to the frame state below: Render writes it
	// before waking the workers and reads their results after collecting
	// all done signals, so no lock is needed.
	wake   []chan phase
	done   chan struct{}
	exited sync.WaitGroup

	frame
}

// New returns a Renderer that shares each frame among workers goroutines,
// the calling one included; workers ≤ 0 means GOMAXPROCS.
func New(workers int) *Renderer {
	return &Renderer{workers: workers}
}

// NewWithStart is New with a function each background worker goroutine
// runs once before its first share of work: for example one that lowers
// its thread's priority (package nice), for a Renderer that draws in the
// background. The goroutine that calls Render does the first share
// itself and is the caller's to prepare.
func NewWithStart(workers int, onStart func()) *Renderer {
	return &Renderer{workers: workers, onStart: onStart}
}

// Render draws views into dst, in order: each view's viewport (cropped to
// dst's bounds) is filled with its background, then its items are drawn
// with depth testing. A later view whose viewport overlaps an earlier one
// draws over it. Pixels outside every viewport are left as they were.
//
// Render returns when dst is complete and keeps no reference to dst, the
// views or their meshes; the meshes must not change while it runs. It
// panics if dst is wider or taller than MaxTargetSize. A mesh that breaks
// package mesh's invariants (an index beyond its vertices, fewer normals
// than faces) makes it panic, possibly on a worker goroutine, which ends
// the program.
func (r *Renderer) Render(dst *image.RGBA, views []scene.View) {
	r.RenderUnless(dst, views, nil)
}

// RenderUnless is Render that gives up when stop, called between batches
// of faces (about a million a batch), returns true; it reports whether the
// picture is complete. A picture given up on is partly drawn and records
// no face ids. stop may be nil.
func (r *Renderer) RenderUnless(dst *image.RGBA, views []scene.View, stop func() bool) bool {
	if dst.Rect.Dx() > MaxTargetSize || dst.Rect.Dy() > MaxTargetSize {
		panic("raster: target image larger than MaxTargetSize")
	}
	r.start()
	r.wantIDs = slices.ContainsFunc(views, func(v scene.View) bool { return v.IDs })
	r.hasIDs = false
	r.prepare(dst, views)
	r.run(phaseProject)
	// Faces are set up and drawn a batch at a time, so the bins hold at
	// most a batch however big the meshes are; the first batch's bands
	// also clear the views (even with nothing to draw).
	for r.batch = 0; r.batch == 0 || r.batch*batchFaces < r.nfaces; r.batch++ {
		if r.batch > 0 && stop != nil && stop() {
			r.release()
			return false
		}
		r.run(phaseSetup)
		r.next.Store(0)
		r.run(phaseBands)
	}
	if slices.ContainsFunc(r.views, func(vj viewJob) bool { return len(vj.lines) > 0 }) {
		r.next.Store(0)
		r.run(phaseLines)
	}
	r.hasIDs, r.idRect = r.wantIDs, dst.Rect
	r.recordHits(views)
	r.release()
	return true
}

// batchFaces is how many faces one batch of Render sets up before drawing
// them: it bounds the bins at about 48 bytes a face.
var batchFaces = 1 << 18

// Close stops the worker goroutines and waits for them to exit. The
// Renderer keeps its buffers and may be used again; a later Render starts
// new workers. Close must not be called during a Render.
func (r *Renderer) Close() {
	for _, c := range r.wake {
		close(c)
	}
	r.exited.Wait()
	r.wake = nil
}

// phase is one step of a frame, run by every worker in parallel.
type phase uint8

const (
	phaseProject phase = iota // project vertex ranges: Renderer.project
	phaseSetup                // cull, clip, shade and bin a batch's face ranges: Renderer.setup
	phaseBands                // fill bands with the batch (clear them first in batch 0): Renderer.drawBand
	phaseLines                // draw the views' lines in bands: Renderer.drawLines
)

// start sizes the pool and starts the background workers if they are not
// running.
func (r *Renderer) start() {
	if r.workers <= 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	if r.wake != nil || r.workers == 1 {
		return
	}
	if r.done == nil {
		r.done = make(chan struct{}, r.workers)
	}
	r.wake = make([]chan phase, r.workers-1)
	for i := range r.wake {
		r.wake[i] = make(chan phase)
		r.exited.Add(1)
		go r.worker(i+1, r.wake[i])
	}
}

// worker runs background worker w's share of every phase it is woken for,
// until wake is closed. A panic here ends the program: it cannot be
// handed to Render's caller without leaving the frame half done.
func (r *Renderer) worker(w int, wake <-chan phase) {
	defer r.exited.Done()
	if r.onStart != nil {
		r.onStart()
	}
	for p := range wake {
		r.work(w, p)
		r.done <- struct{}{}
	}
}

// run runs phase p on all workers, the caller being worker 0, and returns
// when all are done.
func (r *Renderer) run(p phase) {
	for _, c := range r.wake {
		c <- p
	}
	r.work(0, p)
	for range r.wake {
		<-r.done
	}
}

// work runs worker w's share of phase p.
func (r *Renderer) work(w int, p phase) {
	switch p {
	case phaseProject:
		r.project(w*r.nverts/r.workers, (w+1)*r.nverts/r.workers)
	case phaseSetup:
		lo := r.batch * batchFaces
		n := min(batchFaces, r.nfaces-lo)
		r.setup(w, lo+w*n/r.workers, lo+(w+1)*n/r.workers)
	case phaseBands, phaseLines:
		for {
			b := int(r.next.Add(1)) - 1
			if b >= r.nbands {
				return
			}
			if p == phaseBands {
				r.drawBand(w, b, r.batch == 0)
			} else {
				r.drawLines(b)
			}
		}
	}
}

// frame is the state of one Render, shared by the workers as run allows.
type frame struct {
	dst   *image.RGBA
	views []viewJob
	items []itemJob // in face order; items[i].view ascends

	nverts, nfaces int
	verts          []vertex  // every item's projected vertices, items[i].vert0 on
	depth          []float32 // one NDC depth per dst pixel, row-major
	batch          int       // the batch of faces being set up and drawn

	// ids holds, when the views ask for it (wantIDs), the global face
	// number + 1 of the face each pixel shows, 0 for none. hasIDs says
	// it is complete for the last Render; hits maps its face numbers
	// back to views and items.
	wantIDs, hasIDs bool
	ids             []uint32
	idRect          image.Rectangle // the target the ids are of
	hits            []hitItem

	luts map[mesh.Color]*shadeLUT // shading tables by base colour, kept between frames

	bandShift int          // a band is 1<<bandShift rows
	nbands    int          // bands covering dst
	bins      []bin        // bins[w*nbands+b]: faces setup worker w put in band b
	cursors   [][]int      // cursors[w]: band worker w's scratch, one per setup worker
	next      atomic.Int64 // the next band to draw
}

// bin lists the faces a setup worker put in a band, in face order.
type bin []binTri

var inf32 = float32(math.Inf(1))
