package analysis

import "slices"

// holes counts the chains of boundary half-edges bnd. Each half-edge has an
// end at each of its vertices, and ends at one vertex are paired to join
// their half-edges into chains:
//
//  1. where exactly two ends meet, as along a simple hole, they pair;
//  2. where more meet (holes touching at a corner), two ends of one chain
//     built by step 1 pair, closing that chain: a hole that comes back to
//     the corner it left is one hole, whatever else touches the corner;
//  3. the ends still free there pair in a fixed order, arriving with
//     leaving first; an odd one out ends its chain.
//
// Every chain, closed or not, is one hole.
//
// at is scratch holding a zero for each vertex. holes takes time in
// proportion to len(bnd), but for sorting the ends at each corner.
func (a *analyzer) holes(bnd []halfEdge, at []uint64) int {
	// at[v] counts v's ends. Then the first end seen at a vertex with two
	// leaves its half-edge there, tagged seen, for the second; the first
	// end seen at a corner reserves room in grouped for all its ends, and
	// at[v] becomes the next place, tagged corner.
	const seen, corner = 1 << 62, 1 << 63
	for _, h := range bnd {
		at[h.from]++
		at[h.to]++
	}
	n := 0
	for _, h := range bnd {
		n += int(min(at[h.from]/3, 1) + min(at[h.to]/3, 1))
	}
	grouped := make([]uint64, n) // half-edge<<1 | arriving, corner by corner
	var starts []int             // where each corner's ends start in grouped
	c := newChains(len(bnd))
	next := 0
	for i, h := range bnd {
		for arriving, v := range [2]uint32{h.from, h.to} {
			e := uint64(i)<<1 | uint64(arriving)
			switch s := at[v]; {
			case s == 2:
				at[v] = seen | uint64(i)
			case s&seen != 0:
				c.join(uint32(s), uint32(i))
			case s&corner != 0:
				grouped[s&^corner] = e
				at[v]++
			case s > 2:
				starts = append(starts, next)
				grouped[next] = e
				at[v] = corner | uint64(next+1)
				next += int(s)
			}
		}
	}
	if n == 0 {
		return c.sets
	}
	// Step 2 compares the chains of step 1, so they are recorded before
	// step 3 joins any.
	for k, e := range grouped {
		grouped[k] = uint64(c.find(uint32(e>>1)))<<32 | e
	}
	starts = append(starts, n)
	var p cornerPairer
	for k := 0; k+1 < len(starts); k++ {
		p.pair(grouped[starts[k]:starts[k+1]], c)
	}
	return c.sets
}

// cornerPairer pairs the ends at one corner after another, reusing its
// scratch.
type cornerPairer struct{ arriving, leaving []uint32 }

// pair pairs the ends at one corner, chain<<32 | half-edge<<1 | arriving:
// steps 2 and 3 of holes.
func (p *cornerPairer) pair(ends []uint64, c *chains) {
	slices.Sort(ends) // by chain: two ends of one chain are neighbours
	p.arriving, p.leaving = p.arriving[:0], p.leaving[:0]
	for k := 0; k < len(ends); k++ {
		if k+1 < len(ends) && ends[k+1]>>32 == ends[k]>>32 {
			k++ // the two ends close their chain, already one set
			continue
		}
		h := uint32(ends[k]) >> 1
		if ends[k]&1 == 1 {
			p.arriving = append(p.arriving, h)
		} else {
			p.leaving = append(p.leaving, h)
		}
	}
	n := min(len(p.arriving), len(p.leaving))
	for k := range n {
		c.join(p.arriving[k], p.leaving[k])
	}
	rest := append(p.arriving[n:], p.leaving[n:]...)
	for k := 0; k+1 < len(rest); k += 2 {
		c.join(rest[k], rest[k+1])
	}
}

// chains is a union-find over boundary half-edges that counts its sets.
type chains struct {
	parent []uint32
	sets   int
}

func newChains(n int) *chains {
	c := &chains{parent: make([]uint32, n), sets: n}
	for i := range c.parent {
		c.parent[i] = uint32(i)
	}
	return c
}

func (c *chains) find(x uint32) uint32 {
	for c.parent[x] != x {
		c.parent[x] = c.parent[c.parent[x]]
		x = c.parent[x]
	}
	return x
}

func (c *chains) join(x, y uint32) {
	x, y = c.find(x), c.find(y)
	if x != y {
		c.parent[max(x, y)] = min(x, y)
		c.sets--
	}
}
