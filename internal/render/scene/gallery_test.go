package scene

import (
	"fmt"
	"image"
	"testing"
)

// checkGrid checks the invariants every layout of n cells in area keeps:
// n cells, each with its View above its Label filling its Rect, views no
// smaller than minCellSize, inside area horizontally (and vertically unless
// the grid scrolls), no two overlapping, in reading order.
func checkGrid(t *testing.T, cells []Cell, n int, area image.Rectangle, scrolls bool) {
	t.Helper()
	if len(cells) != n {
		t.Fatalf("got %d cells, want %d", len(cells), n)
	}
	for i, c := range cells {
		if c.View.Union(c.Label) != c.Rect || c.View.Max.Y != c.Label.Min.Y || c.Label.Dy() != labelHeight {
			t.Errorf("cell %d: got view %v and label %v in %v, want the view above a %d-pixel label, filling the cell", i, c.View, c.Label, c.Rect, labelHeight)
		}
		if c.View.Dx() < minCellSize || c.View.Dy() < minCellSize {
			t.Errorf("cell %d: got a %v picture, want at least %d×%d", i, c.View.Size(), minCellSize, minCellSize)
		}
		if c.Rect.Min.X < area.Min.X || c.Rect.Max.X > area.Max.X || c.Rect.Min.Y < area.Min.Y {
			t.Errorf("cell %d: got %v, want it inside %v", i, c.Rect, area)
		}
		if !scrolls && c.Rect.Max.Y > area.Max.Y {
			t.Errorf("cell %d: got %v, want it inside %v (no scrolling needed)", i, c.Rect, area)
		}
		if i == 0 {
			continue
		}
		p := cells[i-1].Rect
		sameRow := c.Rect.Min.Y == p.Min.Y
		if (sameRow && c.Rect.Min.X <= p.Min.X) || (!sameRow && (c.Rect.Min.Y < p.Max.Y || c.Rect.Min.X > p.Min.X)) {
			t.Errorf("cell %d at %v follows %v: want reading order (left to right, then the next row from the left)", i, c.Rect, p)
		}
		for j := range i {
			if c.Rect.Overlaps(cells[j].Rect) {
				t.Errorf("cells %d %v and %d %v overlap", j, cells[j].Rect, i, c.Rect)
			}
		}
	}
}

func TestGalleryLayout(t *testing.T) {
	for _, tt := range []struct {
		name    string
		n       int
		area    image.Rectangle
		scrolls bool // the grid must grow past area
		cols    int  // the columns of the first row, 0: not checked
	}{
		{name: "one cell", n: 1, area: image.Rect(0, 24, 800, 600), cols: 1},
		{name: "two cells side by side in a wide area", n: 2, area: image.Rect(0, 0, 1000, 400), cols: 2},
		{name: "two cells stacked in a tall area", n: 2, area: image.Rect(0, 0, 400, 1000), cols: 1},
		{name: "four cells in a square", n: 4, area: image.Rect(0, 0, 600, 600), cols: 2},
		{name: "five cells", n: 5, area: image.Rect(0, 24, 800, 600), cols: 3},
		{name: "area away from the origin", n: 7, area: image.Rect(100, 200, 900, 700)},
		{name: "twelve cells", n: 12, area: image.Rect(0, 24, 1024, 768)},
		{name: "many cells scroll", n: 100, area: image.Rect(0, 24, 640, 480), scrolls: true},
		{name: "a short wide strip scrolls", n: 3, area: image.Rect(0, 0, 2000, 100), scrolls: true},
		{name: "the narrowest area that holds a cell", n: 3, area: image.Rect(0, 0, minCellSize+2*cellGap, 300), scrolls: true, cols: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cells := GalleryLayout(tt.n, tt.area)
			checkGrid(t, cells, tt.n, tt.area, tt.scrolls)
			if tt.scrolls {
				if got := ContentBottom(cells); got <= tt.area.Max.Y {
					t.Errorf("ContentBottom: got %d, want past the area's bottom %d", got, tt.area.Max.Y)
				}
				for i, c := range cells {
					if c.View.Dx() < minCellSize || c.View.Dy() != minCellSize {
						t.Errorf("cell %d: got a %v picture, want %d high and at least as wide", i, c.View.Size(), minCellSize)
					}
				}
			}
			if tt.cols > 0 {
				cols := 0
				for _, c := range cells {
					if c.Rect.Min.Y == cells[0].Rect.Min.Y {
						cols++
					}
				}
				if cols != tt.cols {
					t.Errorf("got %d columns, want %d", cols, tt.cols)
				}
			}
		})
	}
}

// TestGalleryLayoutOne checks that a single cell takes the whole area but
// the gaps around it.
func TestGalleryLayoutOne(t *testing.T) {
	area := image.Rect(10, 30, 810, 630)
	cells := GalleryLayout(1, area)
	if len(cells) != 1 {
		t.Fatalf("got %d cells, want 1", len(cells))
	}
	if want := area.Inset(cellGap); cells[0].Rect != want {
		t.Errorf("got %v, want %v: the area less the gap", cells[0].Rect, want)
	}
}

// TestGalleryLayoutNone checks the cases with no cells to lay out.
func TestGalleryLayoutNone(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		area image.Rectangle
	}{
		{"no cells", 0, image.Rect(0, 0, 800, 600)},
		{"a negative count", -3, image.Rect(0, 0, 800, 600)},
		{"an area narrower than a cell", 4, image.Rect(0, 0, minCellSize+2*cellGap-1, 600)},
		{"an empty area", 4, image.Rectangle{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := GalleryLayout(tt.n, tt.area); got != nil {
				t.Errorf("GalleryLayout(%d, %v): got %d cells, want nil", tt.n, tt.area, len(got))
			}
		})
	}
}

// TestGalleryLayoutUsesSpace checks that the best grid is chosen: no other
// column count gives bigger pictures, for counts from 1 to 40.
func TestGalleryLayoutUsesSpace(t *testing.T) {
	area := image.Rect(0, 24, 1024, 768)
	for n := 1; n <= 40; n++ {
		cells := GalleryLayout(n, area)
		checkGrid(t, cells, n, area, false)
		got := min(cells[0].View.Dx(), cells[0].View.Dy())
		for cols := 1; cols <= n; cols++ {
			rows := (n + cols - 1) / cols
			w := (area.Dx() - (cols+1)*cellGap) / cols
			h := (area.Dy()-(rows+1)*cellGap)/rows - labelHeight
			if s := min(w, h); s > got {
				t.Errorf("n=%d: got pictures of %d pixels, want %d from %d columns", n, got, s, cols)
			}
		}
	}
}

func TestCellAt(t *testing.T) {
	cells := GalleryLayout(6, image.Rect(0, 24, 800, 600))
	if len(cells) != 6 {
		t.Fatalf("got %d cells, want 6", len(cells))
	}
	tests := []struct {
		name string
		p    image.Point
		want int
	}{
		{"the first cell's corner", cells[0].Rect.Min, 0},
		{"the last cell's last pixel", cells[5].Rect.Max.Sub(image.Pt(1, 1)), 5},
		{"a label", cells[4].Label.Min.Add(image.Pt(3, 3)), 4},
		{"the gap left of the first cell", cells[0].Rect.Min.Sub(image.Pt(1, 0)), -1},
		{"the gap between two cells", image.Pt(cells[0].Rect.Max.X, cells[0].Rect.Min.Y+10), -1},
		{"just past a cell's bottom", image.Pt(cells[0].Rect.Min.X, cells[0].Rect.Max.Y), -1},
		{"above the area", image.Pt(100, 0), -1},
		{"far away", image.Pt(-500, 5000), -1},
	}
	for i, c := range cells {
		tests = append(tests, struct {
			name string
			p    image.Point
			want int
		}{fmt.Sprintf("centre of cell %d", i), c.Rect.Min.Add(c.Rect.Size().Div(2)), i})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CellAt(cells, tt.p); got != tt.want {
				t.Errorf("CellAt(%v): got %d, want %d", tt.p, got, tt.want)
			}
		})
	}
	if got := CellAt(nil, image.Pt(1, 1)); got != -1 {
		t.Errorf("CellAt(nil): got %d, want -1", got)
	}
}

func TestContentBottom(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		area image.Rectangle
	}{
		{"one cell", 1, image.Rect(0, 24, 800, 600)},
		{"a full row and a partial one", 5, image.Rect(0, 24, 800, 600)},
		{"a scrolling grid", 50, image.Rect(0, 24, 640, 480)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cells := GalleryLayout(tt.n, tt.area)
			low := 0
			for _, c := range cells {
				low = max(low, c.Rect.Max.Y)
			}
			if got, want := ContentBottom(cells), low+cellGap; got != want {
				t.Errorf("got %d, want %d: the lowest cell's bottom and a gap", got, want)
			}
		})
	}
	if got := ContentBottom(nil); got != 0 {
		t.Errorf("ContentBottom(nil): got %d, want 0", got)
	}
}
