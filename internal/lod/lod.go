// Package lod builds levels of detail: simplified copies of a mesh that a
// renderer draws instead of the full mesh when the full mesh would not fit
// the frame's budget (a moving camera, a small gallery cell).
//
// The simplifier is vertex clustering with quadric representatives, after
// Lindstrom ("Out-of-core simplification of large polygonal models",
// SIGGRAPH 2000): space is cut into a uniform grid of cubic cells; every
// vertex moves to its cell's representative point; a face whose corners
// fall in three different cells becomes a face between those cells'
// points, and the others vanish. The representative is the point that
// minimises the summed squared distances to the planes of the faces that
// touch the cell (their quadric error), so a cell that holds a flat part of
// the surface keeps it flat, one that holds a sharp edge keeps the edge,
// and one at a corner keeps the corner: the silhouette, the sharp edges of
// CAD parts and the shading survive. It reads every face once, in order,
// on any number of goroutines, works on soups and non-manifold meshes
// alike, and needs memory in proportion to its output.
//
// Coarser levels come from finer ones exactly: a cell of the next level is
// eight cells of this one, quadrics add, and a face of the next level is
// the image of a face of this one, so every level is what clustering the
// original at that grid would give, at the cost of the finer level only.
//
// The package imports no graphics package; any goroutine may call it.
package lod

import (
	"context"
	"errors"
	"math"
	"runtime"

	"github.com/stlview/stlview/internal/mesh"
)

// Defaults of Options.
const (
	// DefaultMaxFaces is the most faces the finest level aims for: about
	// what the CPU renderer draws in a few milliseconds.
	DefaultMaxFaces = 512 << 10
	// DefaultMinFaces is the face count below which no coarser level is
	// made: a few thousand faces cost nothing to draw.
	DefaultMinFaces = 2000
)

// maxGridCells bounds the cells of the finest grid, so its occupancy
// bitmap stays small (2^28 bits: 32 MiB).
const maxGridCells = 1 << 28

// Options tune Build. The zero Options are ready to use.
type Options struct {
	// Workers bounds the goroutines Build uses; 0 means GOMAXPROCS.
	Workers int
	// MaxFaces is the finest level's target face count; 0 means
	// DefaultMaxFaces. The finest level also has at most a quarter of the
	// mesh's faces.
	MaxFaces int
	// MinFaces stops the chain: the last level is the first with fewer
	// faces; 0 means DefaultMinFaces. A mesh with fewer faces than
	// 4·MinFaces gets no level at all.
	MinFaces int
}

// ErrNoFaces is returned for a mesh with no face to simplify.
var ErrNoFaces = errors.New("lod: the mesh has no faces")

// Build returns m's levels of detail, finest first, each about a quarter
// of the faces of the one before, down to the first with fewer than
// opt.MinFaces faces. Every level is an indexed mesh whose bounds lie
// within m's, with one solid, m's Format and the colour of the face each
// of its faces first came from. The result is the same for every
// opt.Workers and every run. Build checks ctx between steps of work and
// returns ctx's error once it is done. It returns no level (and no error)
// for a mesh too small to need one. m is only read; the caller owns the
// levels.
func Build(ctx context.Context, m *mesh.Mesh, opt Options) ([]*mesh.Mesh, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxFaces <= 0 {
		opt.MaxFaces = DefaultMaxFaces
	}
	if opt.MinFaces <= 0 {
		opt.MinFaces = DefaultMinFaces
	}
	faces := m.Faces()
	if faces == 0 || m.Bounds.IsEmpty() {
		return nil, nil
	}
	if faces < 4*opt.MinFaces {
		return nil, nil
	}
	target := min(opt.MaxFaces, faces/4)
	cl, err := newClustering(ctx, m, cellSizeFor(m, target), opt.Workers)
	if err != nil {
		return nil, err
	}
	var levels []*mesh.Mesh
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lv := cl.mesh(m, opt.Workers)
		if lv.Faces() > 0 {
			levels = append(levels, lv)
		}
		if lv.Faces() < opt.MinFaces || cl.g.single() {
			return levels, nil
		}
		cl = cl.coarser()
	}
}

// Cluster simplifies m once, on a grid of cubic cells of the given size
// (in m's units), and returns the simplified mesh; see Build. It returns
// ErrNoFaces for a mesh without faces, and ctx's error once ctx is done.
func Cluster(ctx context.Context, m *mesh.Mesh, cell float64, workers int) (*mesh.Mesh, error) {
	if m.Faces() == 0 || m.Bounds.IsEmpty() {
		return nil, ErrNoFaces
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cl, err := newClustering(ctx, m, cell, workers)
	if err != nil {
		return nil, err
	}
	return cl.mesh(m, workers), nil
}

// cellSizeFor returns the cell size at which clustering m should give
// about target faces. A surface of area A cut by cubic cells of size h
// passes through about 1.5·A/h² of them (the mean of |nx|+|ny|+|nz| over
// directions), and clustering gives about two faces per cell passed
// through, so h = sqrt(3A/target). The area is estimated from a sample of
// faces.
func cellSizeFor(m *mesh.Mesh, target int) float64 {
	faces := m.Faces()
	step := max(1, faces/65536)
	area := 0.0
	for f := 0; f < faces; f += step {
		a, b, c := m.Face(f)
		area += float64(b.Sub(a).Cross(c.Sub(a)).Len()) / 2
	}
	area *= float64(faces) / float64((faces+step-1)/step)
	h := math.Sqrt(3 * area / float64(max(1, target)))
	// A degenerate sample (all faces flat in one point) or a huge grid:
	// bound the grid's cells.
	s := m.Bounds.Size()
	ext := math.Max(float64(s[0]), math.Max(float64(s[1]), float64(s[2])))
	if !(h > 0) || math.IsInf(h, 0) {
		h = ext / 64
	}
	for cells(s, h) > maxGridCells {
		h *= 1.25
	}
	if !(h > 0) {
		h = 1
	}
	return h
}

// cells returns how many cells of size h a grid over extent s has.
func cells(s [3]float32, h float64) float64 {
	n := 1.0
	for _, e := range s {
		n *= math.Floor(float64(e)/h) + 1
	}
	return n
}
