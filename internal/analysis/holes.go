package analysis

import (
	"cmp"
	"slices"
)

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
func (a *analyzer) holes(bnd []halfEdge) int {
	if len(bnd) == 0 {
		return 0
	}
	// An end is vertex<<32 | half-edge<<1 | arriving; sorted, the ends of
	// each vertex are together.
	ends := make([]uint64, 0, 2*len(bnd))
	for i, h := range bnd {
		ends = append(ends, uint64(h.from)<<32|uint64(i)<<1, uint64(h.to)<<32|uint64(i)<<1|1)
	}
	slices.Sort(ends)
	c := newChains(len(bnd))
	var corners [][]uint64 // the ends at each vertex where more than two meet
	for i := 0; i < len(ends); {
		j := i + 1
		for j < len(ends) && ends[j]>>32 == ends[i]>>32 {
			j++
		}
		switch j - i {
		case 2:
			c.join(uint32(ends[i])>>1, uint32(ends[i+1])>>1)
		case 1:
		default:
			corners = append(corners, ends[i:j])
		}
		i = j
	}
	if len(corners) == 0 {
		return c.sets
	}
	// Step 2 compares the chains of step 1, so it records them before
	// step 3 joins any.
	chain := make([]uint32, len(bnd))
	for i := range chain {
		chain[i] = c.find(uint32(i))
	}
	for _, at := range corners {
		// Sort by chain, so that two ends of one chain are neighbours;
		// then pair what is left.
		slices.SortFunc(at, func(x, y uint64) int {
			if c := cmp.Compare(chain[uint32(x)>>1], chain[uint32(y)>>1]); c != 0 {
				return c
			}
			return cmp.Compare(x, y)
		})
		var arriving, leaving, rest []uint32
		for k := 0; k < len(at); k++ {
			h := uint32(at[k]) >> 1
			if k+1 < len(at) && chain[h] == chain[uint32(at[k+1])>>1] {
				k++ // closes its chain, which is already one set
				continue
			}
			if at[k]&1 == 1 {
				arriving = append(arriving, h)
			} else {
				leaving = append(leaving, h)
			}
		}
		n := min(len(arriving), len(leaving))
		for k := range n {
			c.join(arriving[k], leaving[k])
		}
		rest = append(append(rest, arriving[n:]...), leaving[n:]...)
		for k := 0; k+1 < len(rest); k += 2 {
			c.join(rest[k], rest[k+1])
		}
	}
	return c.sets
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
