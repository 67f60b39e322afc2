package edges

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

func TestFeature(t *testing.T) {
	cube := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 2, 3})
	for _, tt := range []struct {
		name        string
		m           *mesh.Mesh
		angle       float64
		sharp, open int
	}{
		// A box's 12 edges are sharp (90°); the diagonals of its sides
		// are flat.
		{"a box", cube, 30 * math.Pi / 180, 12, 0},
		{"a box, nothing is sharper than 90°", cube, 95 * math.Pi / 180, 0, 0},
		{"a box without two faces", mesh.FromTriangles(cube.Positions[:9*10]), 30 * math.Pi / 180, 8, 4}, // the open side's 4 edges are open, not sharp
		// A fine sphere: neighbouring faces meet at a few degrees.
		{"a sphere", mesh.Sphere(1, 64, 32), 30 * math.Pi / 180, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			es, err := Feature(context.Background(), tt.m, tt.angle, 0)
			if err != nil {
				t.Fatal(err)
			}
			sharp, open := 0, 0
			for _, e := range es {
				if e.Open {
					open++
				} else {
					sharp++
				}
			}
			if sharp != tt.sharp || open != tt.open {
				t.Errorf("got %d sharp, %d open edges; want %d, %d", sharp, open, tt.sharp, tt.open)
			}
		})
	}
	if es, _ := Feature(context.Background(), cube, 0.5, 5); len(es) != 5 {
		t.Errorf("limit 5: got %d edges", len(es))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Feature(ctx, mesh.Sphere(1, 256, 128), 0.5, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestLines(t *testing.T) {
	es := []Edge{{A: mgl32.Vec3{0, 0, 0}, B: mgl32.Vec3{1, 0, 0}}, {A: mgl32.Vec3{0, 1, 0}, B: mgl32.Vec3{1, 1, 0}, Open: true}}
	ls := Lines(es)
	if len(ls) != 2 || ls[0].Color != SharpColor || ls[1].Color != OpenColor || ls[1].A != es[1].A || ls[1].B != es[1].B {
		t.Errorf("got %+v", ls)
	}
}
