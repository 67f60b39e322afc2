package analysis

// forest is a union-find over faces that also tracks orientation. Word f is
// 0 when f is a root, else f's parent plus one, shifted left by one, with
// bit 0 set when f is wound opposite to its parent. So a new forest, all
// zeros, has every face in a set of its own; faces without edges stay so
// and are told apart by their vertices.
//
// A non-root's parent always has a smaller number, since link is only
// called with the smaller root as parent. So a goroutine that only unites
// faces of a range [lo, hi) only ever reads and writes words in that
// range, which is what lets the match workers share one forest without
// locks.
type forest []uint32

// find returns x's root and x's parity relative to it, halving the path.
func (t forest) find(x uint32) (root, parity uint32) {
	for {
		w := t[x]
		if w == 0 {
			return x, parity
		}
		p := w>>1 - 1
		pw := t[p]
		if pw == 0 {
			return p, parity ^ w&1
		}
		// Point x at its grandparent, with the parities combined.
		nw := pw ^ w&1
		t[x] = nw
		parity ^= nw & 1
		x = nw>>1 - 1
	}
}

// unite joins the sets of a and b, recording that they are wound the same
// way (rel 0) or opposite ways (rel 1). It returns 1 when it linked two
// sets, 0 when they were already one, and false for ok when they were
// joined with the other relation: a contradiction.
func (t forest) unite(a, b, rel uint32) (linked int, ok bool) {
	ra, pa := t.find(a)
	rb, pb := t.find(b)
	if ra == rb {
		return 0, pa^pb == rel
	}
	// Link the larger root under the smaller with the parity that makes
	// parity(a) ^ parity(b) equal rel.
	t.link(max(ra, rb), min(ra, rb), pa^pb^rel)
	return 1, true
}

// link makes root x a child of root p < x, wound opposite to it when
// parity is 1.
func (t forest) link(x, p, parity uint32) { t[x] = (p+1)<<1 | parity }

// root is find without changing the forest, so that several goroutines
// may call it once no one calls unite.
func (t forest) root(x uint32) (root, parity uint32) {
	for {
		w := t[x]
		if w == 0 {
			return x, parity
		}
		parity ^= w & 1
		x = w>>1 - 1
	}
}
