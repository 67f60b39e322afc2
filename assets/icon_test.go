package assets

import (
	"image"
	"testing"
)

// TestIcons checks that Icons returns every size, square, with
// transparent corners and an opaque middle, and fresh images each call.
func TestIcons(t *testing.T) {
	icons := Icons()
	want := []int{16, 32, 48, 64, 128, 256}
	if len(icons) != len(want) {
		t.Fatalf("got %d icons, want %d", len(icons), len(want))
	}
	for i, img := range icons {
		s := want[i]
		t.Run(image.Pt(s, s).String(), func(t *testing.T) {
			if got := img.Bounds(); got != image.Rect(0, 0, s, s) {
				t.Fatalf("got bounds %v, want %v", got, image.Rect(0, 0, s, s))
			}
			for _, p := range []image.Point{{0, 0}, {s - 1, 0}, {0, s - 1}, {s - 1, s - 1}} {
				if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
					t.Errorf("corner %v: got alpha %d, want 0", p, a>>8)
				}
			}
			if _, _, _, a := img.At(s/2, s/2).RGBA(); a != 0xffff {
				t.Errorf("centre: got alpha %d, want 255", a>>8)
			}
			// Some pixels are neither transparent nor opaque: the edges
			// are antialiased.
			partial := 0
			for y := range s {
				for x := range s {
					if _, _, _, a := img.At(x, y).RGBA(); a != 0 && a != 0xffff {
						partial++
					}
				}
			}
			if partial == 0 {
				t.Error("no partly transparent pixel: want antialiased edges")
			}
		})
	}
	if again := Icons(); &again[0] == &icons[0] || again[0] == icons[0] {
		t.Error("Icons returned the same slice or images twice, want fresh ones")
	}
}
