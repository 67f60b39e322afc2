package mesh

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
)

// Indexed returns m as an indexed mesh: every distinct position stored once
// in Positions and three vertex numbers per face in Indices, so a renderer
// transforms and uploads each vertex once. Positions match when their bits
// do, with -0 equal to +0. The result shares Normals, Colors and Solids with
// m; m itself is returned when it is already indexed. It uses up to
// GOMAXPROCS goroutines.
func (m *Mesh) Indexed() *Mesh {
	return m.IndexedWorkers(0)
}

// IndexedWorkers is Indexed on at most workers goroutines (0 means GOMAXPROCS).
func (m *Mesh) IndexedWorkers(workers int) *Mesh {
	if m.Indices != nil {
		return m
	}
	out := *m
	out.Positions, out.Indices = weld(m.Positions, Decoder{Workers: workers}.parallelism())
	return &out
}

// weld finds the distinct positions among the corners in pos (three floats
// each) and returns them with one index per corner.
//
// It partitions the corners by hash into shards small enough that a
// shard's hash table stays in cache, then welds the shards in parallel:
//
//  1. each worker counts its range of corners per shard;
//  2. each worker scatters its corners into order, grouped by shard (the
//     counts give every worker a private slot range, so no locks);
//  3. each shard is welded with its own open-addressing table, writing
//     shard-local vertex numbers into idx;
//  4. local numbers become global by adding the vertices of earlier shards.
func weld(pos []float32, workers int) (verts []float32, idx []uint32) {
	corners := len(pos) / 3
	idx = make([]uint32, corners)
	if corners == 0 {
		return nil, idx
	}
	shardBits := 0
	for corners>>shardBits > 16384 && shardBits < 10 {
		shardBits++
	}
	shards := 1 << shardBits
	workers = max(1, min(workers, corners/16384))

	// 1. Count.
	counts := make([][]int, workers)
	parallelRanges(corners, workers, func(w, lo, hi int) {
		c := make([]int, shards)
		for v := lo; v < hi; v++ {
			c[shardOf(hashKey(keyAt(pos, v)), shardBits)]++
		}
		counts[w] = c
	})
	// 2. Scatter: worker w's corners of shard s go to next[w][s]...
	start := make([]int, shards+1) // shard s owns order[start[s]:start[s+1]]
	next := make([][]int, workers)
	for w := range next {
		next[w] = make([]int, shards)
	}
	at := 0
	for s := range shards {
		start[s] = at
		for w := range workers {
			next[w][s] = at
			at += counts[w][s]
		}
	}
	start[shards] = at
	order := make([]uint32, corners)
	parallelRanges(corners, workers, func(w, lo, hi int) {
		nx := next[w]
		for v := lo; v < hi; v++ {
			s := shardOf(hashKey(keyAt(pos, v)), shardBits)
			order[nx[s]] = uint32(v)
			nx[s]++
		}
	})
	// 3. Weld each shard; firsts[s] lists the first corner of each of its vertices.
	firsts := make([][]uint32, shards)
	var nextShard atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var t weldTable
			for {
				s := int(nextShard.Add(1) - 1)
				if s >= shards {
					return
				}
				firsts[s] = t.weld(pos, order[start[s]:start[s+1]], idx)
			}
		})
	}
	wg.Wait()
	// 4. Number globally and gather the positions.
	base := make([]int, shards+1)
	for s := range shards {
		base[s+1] = base[s] + len(firsts[s])
	}
	verts = make([]float32, 3*base[shards])
	nextShard.Store(0)
	for range workers {
		wg.Go(func() {
			for {
				s := int(nextShard.Add(1) - 1)
				if s >= shards {
					return
				}
				b := uint32(base[s])
				for k, c := range firsts[s] {
					copy(verts[3*(base[s]+k):3*(base[s]+k)+3], pos[3*c:3*c+3])
				}
				for _, c := range order[start[s]:start[s+1]] {
					idx[c] += b
				}
			}
		})
	}
	wg.Wait()
	return verts, idx
}

// weldTable is an open-addressing hash table reused from shard to shard.
type weldTable struct {
	slots []uint32    // vertex number + 1, 0 for an empty slot
	keys  [][3]uint32 // key of each vertex of the shard
}

// weld numbers the distinct keys among corners (ascending corner numbers)
// from 0, writes each corner's number into idx, and returns the first
// corner of each vertex.
func (t *weldTable) weld(pos []float32, corners []uint32, idx []uint32) []uint32 {
	size := 1 << bits.Len(uint(2*len(corners)))
	if cap(t.slots) < size {
		t.slots = make([]uint32, size)
	}
	t.slots = t.slots[:size]
	clear(t.slots)
	t.keys = t.keys[:0]
	mask := uint64(size - 1)
	var firsts []uint32
	for _, c := range corners {
		k := keyAt(pos, int(c))
		for h := hashKey(k) & mask; ; h = (h + 1) & mask {
			id := t.slots[h]
			if id == 0 {
				t.keys = append(t.keys, k)
				firsts = append(firsts, c)
				t.slots[h] = uint32(len(t.keys))
				idx[c] = uint32(len(t.keys) - 1)
				break
			}
			if t.keys[id-1] == k {
				idx[c] = id - 1
				break
			}
		}
	}
	return firsts
}

// keyAt returns the bits of vertex v's position, -0 made +0.
func keyAt(pos []float32, v int) [3]uint32 {
	p := pos[3*v : 3*v+3 : 3*v+3]
	var k [3]uint32
	for i, x := range p {
		b := math.Float32bits(x)
		if b == 1<<31 {
			b = 0
		}
		k[i] = b
	}
	return k
}

// hashKey mixes a key into 64 well-spread bits: the top ones pick the
// shard, the bottom ones the table slot.
func hashKey(k [3]uint32) uint64 {
	h := uint64(k[0])*0x9E3779B97F4A7C15 ^ uint64(k[1])*0xC2B2AE3D27D4EB4F ^ uint64(k[2])*0x165667B19E3779F9
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 29
	return h
}

func shardOf(h uint64, shardBits int) int {
	if shardBits == 0 {
		return 0
	}
	return int(h >> (64 - shardBits))
}

// parallelRanges splits [0, n) into workers contiguous ranges and calls
// fn for each on its own goroutine, returning when all are done.
func parallelRanges(n, workers int, fn func(w, lo, hi int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { fn(w, w*n/workers, (w+1)*n/workers) })
	}
	wg.Wait()
}
