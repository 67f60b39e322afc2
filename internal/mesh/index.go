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
// Looking each corner up in one big hash table would miss the cache on
// almost every corner. Instead the corners are partitioned by hash into
// shards small enough that a shard's table stays in cache, and the shards
// are welded in parallel:
//
//  1. each worker copies its range of corners (position bits and corner
//     number) into its own bucket per shard: buckets are sized from the
//     expected share of a good hash plus slack, and the rare overflow goes
//     to a spill slice, so no count pass and no lock is needed;
//  2. each shard is welded with its own open-addressing table, reading its
//     buckets in order and keeping its distinct keys;
//  3. shard-local vertex numbers become global by adding the vertices of
//     earlier shards, and the distinct keys become the positions.
//
// Every pass reads memory in order; only the final write of each corner's
// index is scattered. Vertex numbers follow shard order, not file order.
// shardCorners is about how many corners a shard gets: few shards keep the
// partition's writes local, and a shard's distinct keys (about a sixth of
// its corners) still fit their table in a core's L2 cache. Measured on 2M
// faces: 2^14 corners a shard 150 ms, 2^17 105 ms, 2^18 87 ms, 2^19 93 ms.
const shardCorners = 1 << 18

func weld(pos []float32, workers int) (verts []float32, idx []uint32) {
	corners := len(pos) / 3
	idx = make([]uint32, corners)
	if corners == 0 {
		return nil, idx
	}
	shardBits := 0
	for corners>>shardBits > shardCorners && shardBits < 10 {
		shardBits++
	}
	shards := 1 << shardBits
	workers = max(1, min(workers, corners/(1<<14)))

	// 1. Partition.
	parts := make([]weldBuckets, workers)
	parallelRanges(corners, workers, func(w, lo, hi int) {
		b := newWeldBuckets(shards, hi-lo)
		for v := lo; v < hi; v++ {
			k := keyAt(pos, v)
			b.add(shardOf(hashKey(k), shardBits), weldEntry{key: k, corner: uint32(v)})
		}
		parts[w] = b
	})
	// 2. Weld each shard.
	keys := make([][][3]uint32, shards) // distinct keys of each shard
	forEachShard(shards, workers, func(t *weldTable, s int) {
		t.reset(corners / shards / 3)
		for w := range parts {
			parts[w].each(s, t.weld)
		}
		keys[s] = t.keys
		t.keys = nil
	})
	// 3. Number globally and make the positions.
	base := make([]int, shards+1)
	for s := range shards {
		base[s+1] = base[s] + len(keys[s])
	}
	verts = make([]float32, 3*base[shards])
	forEachShard(shards, workers, func(_ *weldTable, s int) {
		for k, key := range keys[s] {
			v := verts[3*(base[s]+k) : 3*(base[s]+k)+3 : 3*(base[s]+k)+3]
			v[0], v[1], v[2] = math.Float32frombits(key[0]), math.Float32frombits(key[1]), math.Float32frombits(key[2])
		}
		b := uint32(base[s])
		for w := range parts {
			parts[w].each(s, func(entries []weldEntry) {
				for _, e := range entries {
					idx[e.corner] = b + e.key[0]
				}
			})
		}
	})
	return verts, idx
}

// weldBuckets holds one worker's corners grouped by shard: bucket s is
// buf[s*size:][:fill[s]], followed by spill[s] once it is full.
type weldBuckets struct {
	buf   []weldEntry
	size  int
	fill  []int
	spill [][]weldEntry
}

func newWeldBuckets(shards, corners int) weldBuckets {
	size := corners/shards + corners/shards/8 + 64
	return weldBuckets{
		buf:   make([]weldEntry, shards*size),
		size:  size,
		fill:  make([]int, shards),
		spill: make([][]weldEntry, shards),
	}
}

func (b *weldBuckets) add(s int, e weldEntry) {
	if f := b.fill[s]; f < b.size {
		b.buf[s*b.size+f] = e
		b.fill[s] = f + 1
		return
	}
	b.spill[s] = append(b.spill[s], e)
}

// each calls fn with the entries of shard s, in one or two runs.
func (b *weldBuckets) each(s int, fn func([]weldEntry)) {
	fn(b.buf[s*b.size : s*b.size+b.fill[s]])
	if len(b.spill[s]) > 0 {
		fn(b.spill[s])
	}
}

// weldEntry is a corner in a shard bucket. Once its shard is welded,
// key[0] holds the corner's shard-local vertex number instead of the x bits.
type weldEntry struct {
	key    [3]uint32
	corner uint32
}

// forEachShard calls fn for every shard, on workers goroutines that take
// the next unclaimed shard (shards differ in size), each with its own table.
// With one worker it runs on the caller's goroutine.
func forEachShard(shards, workers int, fn func(t *weldTable, s int)) {
	if workers == 1 {
		var t weldTable
		for s := range shards {
			fn(&t, s)
		}
		return
	}
	var nextShard atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var t weldTable
			for s := int(nextShard.Add(1) - 1); s < shards; s = int(nextShard.Add(1) - 1) {
				fn(&t, s)
			}
		})
	}
	wg.Wait()
}

// weldTable is an open-addressing hash table of the distinct keys of one
// shard, reused from shard to shard.
type weldTable struct {
	slots []uint32    // vertex number + 1, 0 for an empty slot
	keys  [][3]uint32 // the distinct keys, in order of first appearance
}

// reset empties the table and makes room for about n keys.
func (t *weldTable) reset(n int) {
	t.resize(max(1024, 1<<bits.Len(uint(2*n))))
	t.keys = make([][3]uint32, 0, n+1)
}

func (t *weldTable) resize(size int) {
	if cap(t.slots) < size {
		t.slots = make([]uint32, size)
	}
	t.slots = t.slots[:size]
	clear(t.slots)
}

// weld numbers the keys of entries, new ones after those already in the
// table, and stores each entry's number in its key[0].
func (t *weldTable) weld(entries []weldEntry) {
	for i := range entries {
		e := &entries[i]
		id, found := t.find(e.key)
		if !found {
			t.keys = append(t.keys, e.key)
			t.slots[id] = uint32(len(t.keys))
			id = uint32(len(t.keys) - 1)
			if 2*len(t.keys) > len(t.slots) {
				t.grow()
			}
		}
		e.key[0] = id
	}
}

// find returns the vertex number of key and true, or the free slot where
// key belongs and false.
func (t *weldTable) find(key [3]uint32) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	for h := hashKey(key) & mask; ; h = (h + 1) & mask {
		id := t.slots[h]
		if id == 0 {
			return uint32(h), false
		}
		if t.keys[id-1] == key {
			return id - 1, true
		}
	}
}

// grow doubles the table and reinserts the keys.
func (t *weldTable) grow() {
	t.resize(2 * len(t.slots))
	mask := uint64(len(t.slots) - 1)
	for i, k := range t.keys {
		h := hashKey(k) & mask
		for t.slots[h] != 0 {
			h = (h + 1) & mask
		}
		t.slots[h] = uint32(i + 1)
	}
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
// fn for each, in parallel; see parallel.
func parallelRanges(n, workers int, fn func(w, lo, hi int)) {
	parallel(workers, func(w int) { fn(w, w*n/workers, (w+1)*n/workers) })
}

// parallel calls fn(0) ... fn(n-1), each on its own goroutine, and returns
// when all are done. With n = 1 it calls fn on the caller's goroutine: a
// caller on a thread of its own (a loader's low-priority worker) keeps the
// work there, and a panic stays where the caller can recover it.
func parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}
