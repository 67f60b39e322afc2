// Package shapes generates the big parts that benchmarks, tests and
// cmd/stlgen use, so that nothing big is committed: a torus knot (a smooth,
// curved tube that crosses in front of itself) and a stepped block (a CAD
// part: flat faces, sharp edges, through holes) subdivided to any number of
// faces. Both are closed, consistently wound (counter-clockwise seen from
// outside) and weld to watertight indexed meshes: shared corners are
// computed bit for bit the same.
package shapes

import (
	"math"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Knot returns a trefoil torus knot tube of about faces faces: the curve
// (sin t + 2 sin 2t, cos t − 2 cos 2t, −sin 3t) scaled by 10, a tube of
// radius 2.5 around it, nu segments along and nv around with nu = 16·nv,
// two faces a cell.
func Knot(faces int) *mesh.Mesh {
	nv := max(3, int(math.Sqrt(float64(faces)/32)+0.5))
	nu := max(8, faces/(2*nv))
	return mesh.FromTriangles(KnotPositions(nu, nv))
}

// KnotPositions returns the soup of the knot tube with nu×nv cells, nine
// floats a face. Callers that only stream the faces (cmd/stlgen) can skip
// the normals and bounds FromTriangles computes.
func KnotPositions(nu, nv int) []float32 {
	const scale, tube = 10, 2.5
	curve := func(t float64) [3]float64 {
		return [3]float64{
			scale * (math.Sin(t) + 2*math.Sin(2*t)),
			scale * (math.Cos(t) - 2*math.Cos(2*t)),
			scale * -math.Sin(3*t),
		}
	}
	// A frame along the curve: the tangent from central differences and a
	// normal from the curve's second difference, which for this curve
	// never vanishes; the ring of the tube lies in their plane.
	ring := make([][3]mgl32.Vec3, nu) // centre, normal, binormal
	for i := range nu {
		t := 2 * math.Pi * float64(i) / float64(nu)
		const h = 1e-4
		p, a, b := curve(t), curve(t-h), curve(t+h)
		var tan, acc [3]float64
		for k := range 3 {
			tan[k] = b[k] - a[k]
			acc[k] = b[k] - 2*p[k] + a[k]
		}
		tan = unit(tan)
		d := dot(acc, tan)
		for k := range 3 {
			acc[k] -= d * tan[k]
		}
		n := unit(acc)
		bn := cross(tan, n)
		ring[i] = [3]mgl32.Vec3{vec(p), vec(n), vec(bn)}
	}
	at := func(i, j int) mgl32.Vec3 {
		r := ring[i%nu]
		a := 2 * math.Pi * float64(j%nv) / float64(nv)
		c, s := float32(tube*math.Cos(a)), float32(tube*math.Sin(a))
		return r[0].Add(r[1].Mul(c)).Add(r[2].Mul(s))
	}
	pos := make([]float32, 0, 18*nu*nv)
	for i := range nu {
		for j := range nv {
			a, b, c, d := at(i, j), at(i+1, j), at(i+1, j+1), at(i, j+1)
			// Seen from outside, the cell turns clockwise: wind it back.
			pos = appendFace(pos, a, c, b)
			pos = appendFace(pos, a, d, c)
		}
	}
	return pos
}

// Block returns a stepped block of about faces faces: an L-shaped part with
// a step and two rectangular through holes, every flat side cut into small
// squares of the same size, turned by a fixed rotation so that no face is
// axis-aligned. It is built on an integer lattice, so coplanar squares
// share their corners exactly.
func Block(faces int) *mesh.Mesh {
	// The part is 40 × 24 × 20 lattice units at unit 1; its surface has
	// 4200 unit squares, two faces each. A finer lattice scales
	// every count by k² on the surface.
	k := max(1, int(math.Sqrt(float64(faces)/blockFacesAtUnit)+0.5))
	return blockAt(k)
}

// blockFacesAtUnit is the face count of the block at k = 1.
const blockFacesAtUnit = 8400

// blockAt returns the block on a lattice of k cells per unit.
func blockAt(k int) *mesh.Mesh {
	nx, ny, nz := 40*k, 24*k, 20*k
	inside := func(x, y, z int) bool {
		if x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz {
			return false
		}
		ux, uy, uz := x/k, y/k, z/k // the unit cell
		switch {
		case uz >= 6 && ux >= 12: // the L: a tall back wall, a low base
			return false
		case uz >= 3 && ux >= 26 && ux < 40 && uz < 6 && uy >= 4 && uy < 20: // a step down
			return false
		case ux >= 30 && ux < 36 && uy >= 8 && uy < 16 && uz < 3: // a hole through the base
			return false
		case ux >= 3 && ux < 9 && uy >= 6 && uy < 18 && uz >= 8 && uz < 16: // a window in the wall
			return false
		}
		return true
	}
	rot := mgl32.HomogRotate3DZ(0.35).Mul4(mgl32.HomogRotate3DX(0.2)).Mul4(mgl32.HomogRotate3DY(-0.15))
	s := float32(1) / float32(k)
	pt := func(x, y, z int) mgl32.Vec3 {
		return mgl32.TransformCoordinate(mgl32.Vec3{float32(x) * s, float32(y) * s, float32(z) * s}, rot)
	}
	// Each cell face between an inside and an outside cell is two faces,
	// wound counter-clockwise seen from the outside cell.
	var pos []float32
	quad := func(a, b, c, d mgl32.Vec3) {
		pos = appendFace(pos, a, b, c)
		pos = appendFace(pos, a, c, d)
	}
	for z := range nz {
		for y := range ny {
			for x := range nx {
				if !inside(x, y, z) {
					continue
				}
				if !inside(x-1, y, z) {
					quad(pt(x, y, z), pt(x, y, z+1), pt(x, y+1, z+1), pt(x, y+1, z))
				}
				if !inside(x+1, y, z) {
					quad(pt(x+1, y, z), pt(x+1, y+1, z), pt(x+1, y+1, z+1), pt(x+1, y, z+1))
				}
				if !inside(x, y-1, z) {
					quad(pt(x, y, z), pt(x+1, y, z), pt(x+1, y, z+1), pt(x, y, z+1))
				}
				if !inside(x, y+1, z) {
					quad(pt(x, y+1, z), pt(x, y+1, z+1), pt(x+1, y+1, z+1), pt(x+1, y+1, z))
				}
				if !inside(x, y, z-1) {
					quad(pt(x, y, z), pt(x, y+1, z), pt(x+1, y+1, z), pt(x+1, y, z))
				}
				if !inside(x, y, z+1) {
					quad(pt(x, y, z+1), pt(x+1, y, z+1), pt(x+1, y+1, z+1), pt(x, y+1, z+1))
				}
			}
		}
	}
	return mesh.FromTriangles(pos)
}

func appendFace(pos []float32, a, b, c mgl32.Vec3) []float32 {
	return append(pos, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2])
}

func vec(v [3]float64) mgl32.Vec3 { return mgl32.Vec3{float32(v[0]), float32(v[1]), float32(v[2])} }

func dot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func unit(v [3]float64) [3]float64 {
	l := math.Sqrt(dot(v, v))
	return [3]float64{v[0] / l, v[1] / l, v[2] / l}
}
