package asyncload

import (
	"sync"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/stlview/stlview/internal/mesh"
)

// PlaceholderColor is the colour of every face of the Placeholder.
var PlaceholderColor = mesh.Color{R: 230, G: 40, B: 40, A: 255}

// Placeholder returns the mesh that stands in for a failed load when
// QueueOptions.Fallback is set: a red octahedron of radius 1 around the
// origin, 8 faces, already indexed. Every call returns the same mesh, so
// r.Mesh == Placeholder() tells it apart; it is read-only.
func Placeholder() *mesh.Mesh { return placeholder() }

var placeholder = sync.OnceValue(func() *mesh.Mesh {
	var pos []float32
	// One face per octant, between the tips of the three axes on that
	// side, wound counter-clockwise seen from outside: in octants with an
	// odd number of negative signs the winding flips, so b and c swap.
	for _, s := range [8][3]float32{{1, 1, 1}, {-1, 1, 1}, {1, -1, 1}, {-1, -1, 1}, {1, 1, -1}, {-1, 1, -1}, {1, -1, -1}, {-1, -1, -1}} {
		a, b, c := mgl32.Vec3{s[0], 0, 0}, mgl32.Vec3{0, s[1], 0}, mgl32.Vec3{0, 0, s[2]}
		if s[0]*s[1]*s[2] < 0 {
			b, c = c, b
		}
		pos = append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2])
	}
	return mesh.FromTriangles(pos).Paint(PlaceholderColor).IndexedWorkers(1)
})
