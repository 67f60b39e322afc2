package raster

import (
	"image"
	"math/rand/v2"
	"testing"
)

// coverage draws each triangle alone into a w×h target through
// drawTriangle and returns how many of them covered each pixel.
func coverage(w, h int, tris []binTri) []int {
	r := &Renderer{workers: 1}
	r.dst = image.NewRGBA(image.Rect(0, 0, w, h))
	r.depth = make([]float32, w*h)
	vj := &viewJob{clip: r.dst.Rect}
	count := make([]int, w*h)
	for i := range tris {
		clear(r.dst.Pix)
		for k := range r.depth {
			r.depth[k] = inf32
		}
		tris[i].color = 0xffffffff
		r.drawTriangle(vj, &tris[i], 0, int32(h-1))
		for k := range count {
			if r.dst.Pix[4*k+3] != 0 {
				count[k]++
			}
		}
	}
	return count
}

// tri returns the triangle through subpixel points a, b, c, wound
// clockwise on screen as setup stores it.
func tri(a, b, c [2]int32) binTri {
	t := binTri{x: [3]int32{a[0], b[0], c[0]}, y: [3]int32{a[1], b[1], c[1]}}
	va, vb, vc := vertex{x: a[0], y: a[1]}, vertex{x: b[0], y: b[1]}, vertex{x: c[0], y: c[1]}
	if area(&va, &vb, &vc) < 0 {
		t.x[1], t.x[2] = t.x[2], t.x[1]
		t.y[1], t.y[2] = t.y[2], t.y[1]
	}
	return t
}

func TestFillRuleCoversEachPixelOnce(t *testing.T) {
	// A grid of quads, each split into two triangles, with corners
	// jittered; whole grid lines are moved onto pixel centres, so that many
	// edges (horizontal, vertical and diagonal) run exactly through pixel
	// centres and only the fill rule decides who draws them.
	const cells, cell = 9, 5 * one // 9×9 cells of 5 pixels
	const size = cells*cell/one + 2
	tests := []struct {
		name   string
		jitter int32 // subpixels
		snap   int   // one in snap grid lines lies on pixel centres; 0: none
		seed   uint64
	}{
		{"on pixel centres", 0, 1, 1},
		{"jittered", 300, 0, 2},
		{"jittered, some lines on centres", 300, 2, 3},
		{"large triangles", 0, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tt.seed, 5))
			var pts [cells + 1][cells + 1][2]int32
			for i := range cells + 1 {
				for j := range cells + 1 {
					p := [2]int32{int32(i*cell + one), int32(j*cell + one)}
					if tt.jitter > 0 && i > 0 && j > 0 && i < cells && j < cells {
						p[0] += rng.Int32N(2*tt.jitter+1) - tt.jitter
						p[1] += rng.Int32N(2*tt.jitter+1) - tt.jitter
					}
					pts[i][j] = p
				}
			}
			// Snap some grid columns and rows onto pixel centres.
			for k := range cells + 1 {
				if tt.snap > 0 && k%tt.snap == 0 {
					for l := range cells + 1 {
						pts[k][l][0] = pts[k][l][0]&^(one-1) + half
						pts[l][k][1] = pts[l][k][1]&^(one-1) + half
					}
				}
			}
			var tris []binTri
			step := 1
			if tt.name == "large triangles" {
				step = cells // one quad for the whole grid
			}
			for i := 0; i < cells; i += step {
				for j := 0; j < cells; j += step {
					a, b, c, d := pts[i][j], pts[i+step][j], pts[i+step][j+step], pts[i][j+step]
					if (i/step+j/step)%2 == 0 { // alternate the diagonal
						tris = append(tris, tri(a, b, c), tri(a, c, d))
					} else {
						tris = append(tris, tri(a, b, d), tri(b, c, d))
					}
				}
			}
			count := coverage(size, size, tris)
			inside := 0
			for y := range size {
				for x := range size {
					n := count[y*size+x]
					if n > 1 {
						t.Errorf("pixel (%d, %d) drawn by %d triangles, want at most 1", x, y, n)
					}
					// Well inside the grid: drawn exactly once.
					if lo, hi := 2+tt.jitter/one+1, cells*cell/one-tt.jitter/one-1; x >= int(lo) && x <= int(hi) && y >= int(lo) && y <= int(hi) {
						inside++
						if n != 1 {
							t.Errorf("pixel (%d, %d) drawn by %d triangles, want 1 (a gap)", x, y, n)
						}
					}
				}
			}
			if inside < 1000 {
				t.Fatalf("test setup: only %d pixels checked", inside)
			}
		})
	}
}

func TestFillRuleTopLeft(t *testing.T) {
	// A pixel centre on an edge belongs to the triangle for which the edge
	// is a top edge (horizontal, inside below) or a left edge (inside to
	// its right), never to the other one.
	c := func(x, y int32) [2]int32 { return [2]int32{x*one + half, y*one + half} }
	tests := []struct {
		name string
		t    binTri
		px   image.Point // a pixel whose centre is on an edge of t
		want bool
	}{
		{"top edge", tri(c(1, 1), c(6, 1), c(3, 6)), image.Pt(3, 1), true},
		{"bottom edge", tri(c(3, 1), c(6, 6), c(1, 6)), image.Pt(3, 6), false},
		{"left edge", tri(c(1, 1), c(6, 4), c(1, 7)), image.Pt(1, 4), true},
		{"right edge", tri(c(6, 1), c(6, 7), c(1, 4)), image.Pt(6, 4), false},
		{"vertex on a pixel centre, top-left", tri(c(2, 2), c(7, 2), c(2, 7)), image.Pt(2, 2), true},
		{"vertex on a pixel centre, bottom-right", tri(c(7, 2), c(7, 7), c(2, 7)), image.Pt(7, 7), false},
	}
	for _, tt := range tests {
		count := coverage(9, 9, []binTri{tt.t})
		if got := count[tt.px.Y*9+tt.px.X] == 1; got != tt.want {
			t.Errorf("%s: pixel %v drawn = %v, want %v", tt.name, tt.px, got, tt.want)
		}
	}
}

func TestRowSpanIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for range 20000 {
		n := 1 + rng.IntN(40)
		var e, s [3]int64
		for k := range 3 {
			s[k] = rng.Int64N(2001) - 1000
			e[k] = rng.Int64N(40001) - 20000
		}
		lo, hi := rowSpan(n, e[0], s[0], e[1], s[1], e[2], s[2])
		for i := range n {
			in := true
			for k := range 3 {
				in = in && e[k]+s[k]*int64(i) >= 0
			}
			if got := i >= lo && i <= hi; got != in {
				t.Fatalf("rowSpan(%d, e %v, s %v) = [%d, %d]: pixel %d in span = %v, want %v", n, e, s, lo, hi, i, got, in)
			}
		}
	}
}
