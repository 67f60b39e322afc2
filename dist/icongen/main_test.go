package main

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// committed is the folder that go generate ./assets writes.
var committed = filepath.Join("..", "..", "assets", "icons")

// rendered holds Render(s) for every size in Sizes, drawn once for all
// the tests (under the race detector drawing them takes seconds).
var rendered = sync.OnceValue(func() map[int]*image.NRGBA {
	m := make(map[int]*image.NRGBA, len(Sizes))
	for _, s := range Sizes {
		m[s] = Render(s)
	}
	return m
})

// TestCommittedIcons checks that the icons in assets/icons are the ones
// this program draws: run go generate ./assets after changing it. PNG
// pixels may differ by a little, since the rasterizer's arithmetic may
// differ between architectures.
func TestCommittedIcons(t *testing.T) {
	var svg bytes.Buffer
	if err := writeSVG(&svg, drawing(svgSize)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(committed, "stlview.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, svg.Bytes()) {
		t.Error("assets/icons/stlview.svg differs from what icongen draws: run go generate ./assets")
	}
	for _, s := range Sizes {
		f, err := os.Open(filepath.Join(committed, pngName(s)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", pngName(s), err)
		}
		if d := maxDiff(img, rendered()[s]); d > 2 {
			t.Errorf("%s differs from what icongen draws by up to %d in a channel, want at most 2: run go generate ./assets", pngName(s), d)
		}
	}
}

// maxDiff returns the largest difference between a and b in any 8-bit
// channel of any pixel, or 255 if their bounds differ.
func maxDiff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return 255
	}
	worst := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			for _, d := range []int{int(ar>>8) - int(br>>8), int(ag>>8) - int(bg>>8), int(ab>>8) - int(bb>>8), int(aa>>8) - int(ba>>8)} {
				worst = max(worst, d, -d)
			}
		}
	}
	return worst
}

// TestRender checks each size: square, transparent outside the rounded
// background, opaque inside it, antialiased, and with the part showing.
func TestRender(t *testing.T) {
	for _, s := range Sizes {
		t.Run(pngName(s), func(t *testing.T) {
			img := rendered()[s]
			if got := img.Bounds(); got != image.Rect(0, 0, s, s) {
				t.Fatalf("got bounds %v, want %v", got, image.Rect(0, 0, s, s))
			}
			for _, p := range []image.Point{{0, 0}, {s - 1, 0}, {0, s - 1}, {s - 1, s - 1}} {
				if a := img.NRGBAAt(p.X, p.Y).A; a != 0 {
					t.Errorf("corner %v: got alpha %d, want 0", p, a)
				}
			}
			// Inside the background's rounded corners, where the part
			// never reaches: the background, opaque.
			in := int((margin + 0.4*corner) * float64(s))
			for _, p := range []image.Point{{in, in}, {s - 1 - in, in}, {in, s - 1 - in}, {s - 1 - in, s - 1 - in}} {
				if c := img.NRGBAAt(p.X, p.Y); c != background {
					t.Errorf("%v: got %v, want the background %v", p, c, background)
				}
			}
			partial, part := 0, 0
			colours := map[[4]uint8]bool{}
			for y := range s {
				for x := range s {
					c := img.NRGBAAt(x, y)
					colours[[4]uint8{c.R, c.G, c.B, c.A}] = true
					if c.A != 0 && c.A != 255 {
						partial++
					}
					if c.A == 255 && c.B > background.B+40 {
						part++
					}
				}
			}
			if partial == 0 {
				t.Error("no partly transparent pixel: want antialiased corners")
			}
			// The part covers a quarter to a third of the icon.
			if f := float64(part) / float64(s*s); f < 0.15 || f > 0.5 {
				t.Errorf("the part covers %.0f%% of the icon, want 15%% to 50%%", 100*f)
			}
			if len(colours) < 12 {
				t.Errorf("got %d distinct colours, want at least 12 (shading and antialiasing)", len(colours))
			}
		})
	}
}

// TestSVGMatchesPNG renders the SVG with rsvg-convert, where it is
// installed, and compares it with the PNG of the same size: they are one
// drawing.
func TestSVGMatchesPNG(t *testing.T) {
	rsvg, err := exec.LookPath("rsvg-convert")
	if err != nil {
		t.Skip("rsvg-convert is not installed (Debian package librsvg2-bin): not comparing the SVG with the PNGs")
	}
	dir := t.TempDir()
	svg, out := filepath.Join(dir, "icon.svg"), filepath.Join(dir, "icon.png")
	var b bytes.Buffer
	if err := writeSVG(&b, drawing(svgSize)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(svg, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const s = 256
	if msg, err := exec.Command(rsvg, "-w", "256", "-h", "256", "-o", out, svg).CombinedOutput(); err != nil {
		t.Fatalf("rsvg-convert: %v\n%s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	want := rendered()[s]
	if got.Bounds() != want.Bounds() {
		t.Fatalf("rsvg-convert drew %v, want %v", got.Bounds(), want.Bounds())
	}
	// Antialiasing differs along edges; the mean difference stays small.
	var sum float64
	for y := range s {
		for x := range s {
			gr, gg, gb, ga := got.At(x, y).RGBA()
			c := want.NRGBAAt(x, y)
			wr, wg, wb, wa := c.RGBA()
			sum += math.Abs(float64(gr)-float64(wr)) + math.Abs(float64(gg)-float64(wg)) +
				math.Abs(float64(gb)-float64(wb)) + math.Abs(float64(ga)-float64(wa))
		}
	}
	if mean := sum / (4 * s * s) / 257; mean > 2 {
		t.Errorf("the SVG drawn by rsvg-convert differs from the PNG by %.2f per channel on average, want at most 2", mean)
	}
}

// TestHoled checks the triangles of a face with a hole: all turn the
// same way and together cover the face less the hole, so they tile it.
func TestHoled(t *testing.T) {
	tests := []struct {
		name    string
		a, b    vec3
		r       float64
		normalZ float64
	}{
		{"square", vec3{1, 0, 0}, vec3{0, 1, 0}, 0.2, 1},
		{"wide", vec3{2, 0, 0}, vec3{0, 0.8, 0}, 0.3, 1},
		{"turned", vec3{0, 1, 0}, vec3{1, 0, 0}, 0.1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := holed(vec3{}, tt.a, tt.b, vec3{0, 0, -1}, tt.r, 1)
			if got, want := len(f.tris), holeSides+4; got != want {
				t.Fatalf("got %d triangles, want %d", got, want)
			}
			var sum float64
			for i, tr := range f.tris {
				z := signedAreaZ(tr[0], tr[1], tr[2])
				if z*tt.normalZ <= 0 {
					t.Errorf("triangle %d turns the wrong way or is flat (%g)", i, z)
				}
				sum += math.Abs(z)
			}
			face := math.Abs(signedAreaZ(vec3{}, tt.a, tt.a.add(tt.b))) * 2
			hole := 0.0
			c := tt.a.add(tt.b).scale(0.5)
			for i := range f.hole {
				hole += math.Abs(signedAreaZ(c, f.hole[i], f.hole[(i+1)%holeSides]))
			}
			if want := face - hole; math.Abs(sum-want) > 1e-9 {
				t.Errorf("the triangles cover %g, want the face less the hole, %g", sum, want)
			}
		})
	}
}

// signedAreaZ returns the area of the triangle abc in the z = 0 plane,
// positive when it turns counterclockwise seen from +z.
func signedAreaZ(a, b, c vec3) float64 {
	u, v := b.sub(a), c.sub(a)
	return (u.x*v.y - u.y*v.x) / 2
}

// TestClip checks the convex clipping that finds where a hole shows the
// background through.
func TestClip(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) []pt { return []pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} }
	tests := []struct {
		name    string
		subject []pt
		window  []pt
		area    float64
	}{
		{"overlapping", square(0, 0, 2, 2), square(1, 1, 3, 3), 1},
		{"inside", square(1, 1, 2, 2), square(0, 0, 3, 3), 1},
		{"around", square(0, 0, 3, 3), square(1, 1, 2, 2), 1},
		{"apart", square(0, 0, 1, 1), square(2, 2, 3, 3), 0},
		{"window the other way round", square(0, 0, 2, 2), []pt{{1, 1}, {1, 3}, {3, 3}, {3, 1}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip(tt.subject, tt.window)
			a := 0.0
			for i := range got {
				a += got[i].cross(got[(i+1)%len(got)]) / 2
			}
			if math.Abs(math.Abs(a)-tt.area) > 1e-9 {
				t.Errorf("got area %g (%v), want %g", a, got, tt.area)
			}
		})
	}
}
