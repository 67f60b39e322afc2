package lod

import "math"

// singular is the relative size below which an eigenvalue of a quadric's
// matrix counts as zero: directions along which the planes hardly bend
// the error (along a flat face, along a sharp edge) are left to the
// fallback point.
const singular = 1e-3

// minimise returns the point that minimises quadric q nearest x0. Where
// q's matrix A is invertible (a corner: three independent planes) that is
// the unique minimiser; where it is singular (a flat region, an edge) the
// minimiser is a plane or a line and the point on it nearest x0 is taken.
// This is the pseudo-inverse step x = x0 + A⁺(−b − A·x0), with A's
// eigenvalues below singular times the largest treated as zero.
func minimise(q *quadric, x0 [3]float64) [3]float64 {
	a := [3][3]float64{{q[0], q[1], q[2]}, {q[1], q[3], q[4]}, {q[2], q[4], q[5]}}
	// r = −b − A·x0, the residual at x0.
	var r [3]float64
	for i := range 3 {
		r[i] = -q[6+i] - (a[i][0]*x0[0] + a[i][1]*x0[1] + a[i][2]*x0[2])
	}
	vals, vecs := eigenSym(a)
	top := math.Max(math.Abs(vals[0]), math.Max(math.Abs(vals[1]), math.Abs(vals[2])))
	if !(top > 0) || math.IsInf(top, 0) {
		return x0
	}
	x := x0
	for k := range 3 {
		if math.Abs(vals[k]) < singular*top {
			continue
		}
		v := [3]float64{vecs[0][k], vecs[1][k], vecs[2][k]}
		s := (v[0]*r[0] + v[1]*r[1] + v[2]*r[2]) / vals[k]
		x[0] += s * v[0]
		x[1] += s * v[1]
		x[2] += s * v[2]
	}
	for _, c := range x {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return x0
		}
	}
	return x
}

// eigenSym returns the eigenvalues of the symmetric matrix a and its
// eigenvectors as the columns of vecs, by cyclic Jacobi rotations.
func eigenSym(a [3][3]float64) (vals [3]float64, vecs [3][3]float64) {
	vecs = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	for sweep := 0; sweep < 16; sweep++ {
		off := a[0][1]*a[0][1] + a[0][2]*a[0][2] + a[1][2]*a[1][2]
		diag := a[0][0]*a[0][0] + a[1][1]*a[1][1] + a[2][2]*a[2][2]
		if off <= 1e-24*diag || off == 0 {
			break
		}
		for _, pq := range [3][2]int{{0, 1}, {0, 2}, {1, 2}} {
			p, q := pq[0], pq[1]
			if a[p][q] == 0 {
				continue
			}
			theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
			t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
			c := 1 / math.Sqrt(t*t+1)
			s := t * c
			// a = Jᵀ a J for the rotation J in the (p, q) plane.
			for k := range 3 {
				akp, akq := a[k][p], a[k][q]
				a[k][p] = c*akp - s*akq
				a[k][q] = s*akp + c*akq
			}
			for k := range 3 {
				apk, aqk := a[p][k], a[q][k]
				a[p][k] = c*apk - s*aqk
				a[q][k] = s*apk + c*aqk
			}
			for k := range 3 {
				vkp, vkq := vecs[k][p], vecs[k][q]
				vecs[k][p] = c*vkp - s*vkq
				vecs[k][q] = s*vkp + c*vkq
			}
		}
	}
	return [3]float64{a[0][0], a[1][1], a[2][2]}, vecs
}
