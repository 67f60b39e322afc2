// Package edges finds a mesh's feature edges: where two faces meet at an
// angle sharper than a threshold (the sharp edges of a CAD part), and the
// open edges that only one face uses. Drawn over the shaded faces
// (stlview's -e), they show a part's shape as a drawing does; package
// render draws them as scene.Lines.
package edges

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Edge is a feature edge: its two ends in the mesh's coordinates, and
// whether it is open (used by one face) rather than sharp.
type Edge struct {
	A, B mgl32.Vec3
	Open bool
}

// half is one face's use of an edge: the edge as its lower and higher
// vertex number, and the face.
type half struct {
	key  uint64 // lower<<32 | higher
	face uint32
}

// Feature returns the edges of m where faces meet at more than angle
// radians (between their normals), or that one face alone uses, at most
// limit of them (0: no limit), in an order that depends on m only. An
// edge shared by three or more faces is a feature edge if any two of
// them meet sharply. A soup is welded first. Faces without area do not
// count. It checks ctx now and then and returns ctx's error once it is
// done. m is only read.
func Feature(ctx context.Context, m *mesh.Mesh, angle float64, limit int) ([]Edge, error) {
	if m.Indices == nil {
		m = m.Indexed()
	}
	faces := m.Faces()
	halves := make([]half, 0, 3*faces)
	for f := range faces {
		n := m.Normal(f)
		if n == (mgl32.Vec3{}) {
			continue // no area: no direction to compare
		}
		for c := range 3 {
			a, b := m.Indices[3*f+c], m.Indices[3*f+(c+1)%3]
			if a == b {
				continue
			}
			if a > b {
				a, b = b, a
			}
			halves = append(halves, half{uint64(a)<<32 | uint64(b), uint32(f)})
		}
		if f&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(halves, func(x, y half) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.face, y.face)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cosLimit := float32(math.Cos(angle))
	var out []Edge
	for i := 0; i < len(halves); {
		j := i + 1
		for j < len(halves) && halves[j].key == halves[i].key {
			j++
		}
		run := halves[i:j]
		open := len(run) == 1
		sharp := false
		for a := 0; a < len(run) && !sharp; a++ {
			for b := a + 1; b < len(run); b++ {
				if m.Normal(int(run[a].face)).Dot(m.Normal(int(run[b].face))) < cosLimit {
					sharp = true
					break
				}
			}
		}
		if open || sharp {
			k := run[0].key
			out = append(out, Edge{A: m.Vertex(int(k >> 32)), B: m.Vertex(int(uint32(k))), Open: open})
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		i = j
	}
	return out, nil
}
