package scene

import (
	"image"

	"github.com/stlview/stlview/internal/mesh"
)

// Cell is one file's place in the gallery.
type Cell struct {
	Rect  image.Rectangle // the whole cell, for hit tests and the frame
	View  image.Rectangle // where the mesh is drawn
	Label image.Rectangle // the name below it
}

// Gallery layout constants, in pixels.
const (
	cellGap     = 6
	labelHeight = 18
	minCellSize = 96 // the smallest mesh picture before the gallery scrolls
)

// GalleryLayout places n cells in area: a grid with as many columns as
// makes the cells biggest, in reading order. When even the best grid would
// make pictures smaller than minCellSize, the cells keep that size and the
// grid grows downwards past area (the gallery then scrolls). It returns nil
// for n = 0 or an area narrower than one cell. The caller owns the slice.
func GalleryLayout(n int, area image.Rectangle) []Cell {
	if n <= 0 || area.Dx() < minCellSize+2*cellGap {
		return nil
	}
	cols, best := bestGrid(n, area)
	rows := (n + cols - 1) / cols
	w := (area.Dx() - (cols+1)*cellGap) / cols
	h := (area.Dy() - (rows+1)*cellGap) / rows
	if best < minCellSize {
		cols = max(1, (area.Dx()-cellGap)/(minCellSize+cellGap))
		w = (area.Dx() - (cols+1)*cellGap) / cols
		h = minCellSize + labelHeight
	}
	return gridCells(n, cols, w, h, area)
}

// GalleryFit places n cells in area as GalleryLayout does, but always
// within it: the cells shrink as small as they must (a picture of many
// files, which cannot scroll). It returns nil for n = 0 or an area too
// small to hold n cells of a few pixels.
func GalleryFit(n int, area image.Rectangle) []Cell {
	if n <= 0 {
		return nil
	}
	cols, best := bestGrid(n, area)
	if best < 4 {
		return nil
	}
	rows := (n + cols - 1) / cols
	w := (area.Dx() - (cols+1)*cellGap) / cols
	h := (area.Dy() - (rows+1)*cellGap) / rows
	return gridCells(n, cols, w, h, area)
}

// bestGrid returns the columns that make n cells in area biggest, and the
// side of their pictures then.
func bestGrid(n int, area image.Rectangle) (cols, best int) {
	cols, best = 1, -1
	for c := 1; c <= n; c++ {
		rows := (n + c - 1) / c
		w := (area.Dx() - (c+1)*cellGap) / c
		h := (area.Dy()-(rows+1)*cellGap)/rows - labelHeight
		if s := min(w, h); s > best {
			cols, best = c, s
		}
	}
	return cols, best
}

// gridCells lays out n cells of w×h in cols columns from area's corner.
func gridCells(n, cols, w, h int, area image.Rectangle) []Cell {
	cells := make([]Cell, n)
	for i := range cells {
		x := area.Min.X + cellGap + (i%cols)*(w+cellGap)
		y := area.Min.Y + cellGap + (i/cols)*(h+cellGap)
		r := image.Rect(x, y, x+w, y+h)
		cells[i] = Cell{
			Rect:  r,
			View:  image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y-labelHeight),
			Label: image.Rect(r.Min.X, r.Max.Y-labelHeight, r.Max.X, r.Max.Y),
		}
	}
	return cells
}

// ContentBottom returns the lowest pixel row the cells reach, with a gap.
func ContentBottom(cells []Cell) int {
	if len(cells) == 0 {
		return 0
	}
	return cells[len(cells)-1].Rect.Max.Y + cellGap
}

// CellAt returns the index of the cell that holds point p, or -1.
func CellAt(cells []Cell, p image.Point) int {
	for i, c := range cells {
		if p.In(c.Rect) {
			return i
		}
	}
	return -1
}

// Silhouette returns points of m to frame it by (Camera.FitPoints): the
// vertices of its coarsest level, or of m itself when it has no level, at
// most a few thousand of them (every k-th vertex of a big mesh without
// levels). The caller must not change the slice.
func Silhouette(m *mesh.Mesh, levels []*mesh.Mesh) []float32 {
	if len(levels) > 0 {
		m = levels[len(levels)-1]
	}
	const most = 8192
	n := m.Vertices()
	if n <= most {
		return m.Positions
	}
	step := n/most + 1
	pos := make([]float32, 0, 3*(n/step+1))
	for v := 0; v < n; v += step {
		pos = append(pos, m.Positions[3*v:3*v+3]...)
	}
	return pos
}
