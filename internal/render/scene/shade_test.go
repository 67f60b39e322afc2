package scene

import (
	"image/color"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

func TestShade(t *testing.T) {
	base := mesh.Color{R: 200, G: 100, B: 10, A: 255}
	amb := func(c uint8) uint8 { return uint8(float32(c)*Ambient + 0.5) }
	tests := []struct {
		name string
		n    mgl32.Vec3
		want color.RGBA
	}{
		{"toward the light", LightDir(), color.RGBA{200, 100, 10, 255}},
		{"toward the light, long normal", LightDir().Mul(7), color.RGBA{200, 100, 10, 255}},
		{"away from the light", LightDir().Mul(-1), color.RGBA{amb(200), amb(100), amb(10), 255}},
		{"zero normal", mgl32.Vec3{}, color.RGBA{amb(200), amb(100), amb(10), 255}},
		{"square to the view", mgl32.Vec3{0, 0, 1}, color.RGBA{185, 93, 9, 255}},
	}
	for _, tt := range tests {
		if got := Shade(tt.n, base); got != tt.want {
			t.Errorf("%s: Shade(%v) = %v, want %v", tt.name, tt.n, got, tt.want)
		}
	}
}

func TestFaceColor(t *testing.T) {
	red := mesh.Color{R: 255, A: 255}
	blue := mesh.Color{B: 255, A: 9}
	painted := &mesh.Mesh{Colors: []mesh.Color{red, {}}}
	plain := &mesh.Mesh{}
	tests := []struct {
		name string
		item Item
		face int
		want mesh.Color
	}{
		{"own colour", Item{Mesh: painted, Color: blue}, 0, red},
		{"no own colour: item's, alpha 255", Item{Mesh: painted, Color: blue}, 1, mesh.Color{B: 255, A: 255}},
		{"no colours: item's", Item{Mesh: plain, Color: blue}, 0, mesh.Color{B: 255, A: 255}},
		{"no colour anywhere: default", Item{Mesh: plain}, 0, DefaultColor},
	}
	for _, tt := range tests {
		if got := tt.item.FaceColor(tt.face); got != tt.want {
			t.Errorf("%s: FaceColor(%d) = %v, want %v", tt.name, tt.face, got, tt.want)
		}
	}
}
