package mesh

import (
	"fmt"
	"math"
	"math/bits"
)

// Indexed returns m as an indexed mesh: every distinct position stored once
// in Positions and three vertex numbers per face in Indices, so a renderer
// transforms and uploads each vertex once. Positions match when their bits
// do, with -0 equal to +0. The result shares Normals, Colors and Solids with
// m; m itself is returned when it is already indexed. It uses up to
// GOMAXPROCS goroutines; a panic on one of them is raised again on the
// caller's goroutine.
//
// The vertex numbers are the same whatever the number of goroutines, and
// the same as those of a Decoder with Indexed set that decodes the faces of
// m (when it drops none).
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
func weld(pos []float32, workers int) (verts []float32, idx []uint32) {
	corners := len(pos) / 3
	idx = make([]uint32, corners)
	if corners == 0 {
		return nil, idx
	}
	w := newWelder(corners, workers, true)
	const seg = 3 * soupWeldSegment // corners a segment
	for lo := 0; lo < corners; lo += seg {
		hi := min(corners, lo+seg)
		w.begin(hi - lo)
		p := pos[3*lo : 3*hi]
		w.eachPart((hi-lo)/3, func(part, f0, f1 int) {
			w.partition(part, p[9*f0:9*f1], 3*f0, nil)
		})
		w.weldSegment(idx[lo:hi])
	}
	verts, err := w.finish(idx)
	if err != nil {
		// More than 2^32 distinct positions: no uint32 index can number them.
		panic("mesh: " + err.Error())
	}
	return verts, idx
}

// soupWeldSegment is how many faces of a soup in memory weld works on at
// once: large segments keep each shard's table warm across many lookups,
// bounded ones keep the buckets (16 bytes a corner) from growing with the
// mesh.
const soupWeldSegment = 1 << 20

// A welder numbers the distinct corner positions of a mesh whose faces
// arrive segment by segment, so that the whole triangle soup need never be
// held.
//
// Looking each corner up in one big hash table would miss the cache on
// almost every corner. Instead the corners are partitioned by hash into
// shards small enough that a shard's table stays in cache, and the shards
// are welded in parallel. For each segment:
//
//  1. partition: the segment is cut into contiguous parts of at most
//     partCorners corners (and at least one per worker), and each part's
//     goroutine copies its corners (position bits and corner
//     number) into its own bucket per shard: buckets are sized from the
//     expected share of a good hash plus slack, and the rare overflow goes
//     to a spill slice, so no count pass and no lock is needed;
//  2. weld: each shard looks its buckets up in its own open-addressing
//     table, kept from segment to segment, reading the parts in order, and
//     keeps each corner's shard and shard-local number in its entry; then
//     each part writes its corners' numbers into the index array. Apart,
//     the lookups have the cache to their table and the scattered writes
//     stay within a part's 256 kB of indices.
//
// Once every segment is in, finish numbers the vertices globally: those of
// shard s follow those of shards 0..s-1, in order of first appearance, and
// the packed (shard, local number) of every corner becomes a global number
// in one pass over the indices in order. Every pass reads memory in order;
// only the weld's write of each corner's index is scattered, within its
// segment.
//
// Because each shard sees its corners in file order, whatever the parts,
// the numbering depends only on the corners and the shard count, which
// depends only on the number of corners: never on the workers, the
// segments or the timing.
type welder struct {
	shardBits int
	localBits int    // 32 - shardBits: the bits of the local number in a packed index
	escape    uint32 // the local number that means "see escapes": all localBits ones
	workers   int
	per       int           // keys a shard's table first makes room for
	tables    []weldTable   // one per shard, kept from segment to segment; allocated at first use
	parts     []weldBuckets // one per part of the current segment
	nparts    int
	// escapes[s] holds, in corner order, the local numbers of shard s that
	// do not fit localBits (only a hash flooded with one shard's keys gets
	// there: a shard holds about 2^18 corners).
	escapes [][]uint32
}

// shardCorners is about how many corners a shard gets: few shards keep the
// partition's writes local, and a shard's distinct keys (about a sixth of
// its corners) still fit their table in a core's L2 cache. Measured on 2M
// faces: 2^14 corners a shard 150 ms, 2^17 105 ms, 2^18 87 ms, 2^19 93 ms.
const shardCorners = 1 << 18

// newWelder returns a welder for a mesh of about corners corners, on at
// most workers goroutines. Unless trusted says that the corners are known
// to exist (counted in memory, or backed by a file's size), the shard
// tables start small: a stream's count is only a claim.
func newWelder(corners, workers int, trusted bool) *welder {
	shardBits := shardBitsFor(corners)
	w := &welder{
		shardBits: shardBits,
		localBits: 32 - shardBits,
		escape:    uint32(uint64(1)<<(32-shardBits) - 1),
		workers:   max(1, workers),
		tables:    make([]weldTable, 1<<shardBits),
		escapes:   make([][]uint32, 1<<shardBits),
	}
	// A shard's table starts with room for a sixth of its corners and an
	// eighth more: closed meshes have about a sixth as many distinct
	// positions as corners, and the hash spreads them within a few percent.
	// Its slots are then about a third full, which keeps probes short;
	// meshes with more distinct positions grow the tables.
	w.per = corners>>shardBits/6 + corners>>shardBits/48 + 64
	if !trusted {
		w.per = min(w.per, 1024)
	}
	return w
}

// shardBitsFor returns the log2 of the shard count for corners corners.
func shardBitsFor(corners int) int {
	bits := 0
	for corners>>bits > shardCorners && bits < 10 {
		bits++
	}
	return bits
}

// partCorners is about how many corners a part of a segment holds at most:
// few enough that the indices it writes (256 kB) stay in cache while the
// weld scatters them.
const partCorners = 1 << 16

// begin prepares the welder for a segment of corners corners and returns
// how many parts to cut it into: the caller then calls partition once for
// each part (see parts), and weldSegment.
func (w *welder) begin(corners int) int {
	w.nparts = max(1, min(w.workers, corners/(1<<14)), (corners+partCorners-1)/partCorners)
	for len(w.parts) < w.nparts {
		w.parts = append(w.parts, weldBuckets{})
	}
	for p := range w.nparts {
		w.parts[p].reset(len(w.tables), corners/w.nparts+1)
	}
	return w.nparts
}

// partition copies the corners of the faces in pos (nine floats each) into
// part's buckets; first is the segment's number of pos's first corner.
// skip lists faces to leave out, numbered as first/3 numbers pos's first
// face, in increasing order. Calls for different parts may run at once;
// each part's faces must follow those of the parts before it.
func (w *welder) partition(part int, pos []float32, first int, skip []int) {
	b := &w.parts[part]
	shardBits := w.shardBits
	corners := len(pos) / 9 * 3
	for v := 0; v < corners; v++ {
		if len(skip) > 0 && 3*skip[0] == first+v {
			skip = skip[1:]
			v += 2
			continue
		}
		k := keyAt(pos, v)
		b.add(shardOf(hashKey(k), shardBits), weldEntry{key: k, corner: uint32(first + v)})
	}
}

// growthBound returns the most bytes the tables may hold once the current
// segment is welded, were every corner in it new.
func (w *welder) growthBound() int64 {
	var n int64
	for s := range w.tables {
		e := 0
		for p := range w.nparts {
			e += w.parts[p].count(s)
		}
		if e > 0 {
			n += w.tables[s].boundAfter(e, w.per)
		}
	}
	return n
}

// parts calls fn for each of the n parts begin returned of a segment of
// faces faces, with the part's range of faces, on at most workers
// goroutines.
func (w *welder) eachPart(faces int, fn func(part, lo, hi int)) {
	forEach(w.nparts, w.workers, func(p int) { fn(p, p*faces/w.nparts, (p+1)*faces/w.nparts) })
}

// weldSegment welds the corners the partition calls copied and writes each
// one's packed number into idx, the segment's indices.
func (w *welder) weldSegment(idx []uint32) {
	w.lookup()
	// Then the scattered writes of the indices, a part at a time: a part's
	// indices stay in cache while every shard writes its share.
	forEach(w.nparts, w.workers, func(p int) {
		b := &w.parts[p]
		for s := range w.tables {
			b.each(s, func(entries []weldEntry) {
				for i := range entries {
					idx[entries[i].corner] = entries[i].key[0]
				}
			})
		}
	})
}

// lookup looks every corner of the segment up in its shard's table and
// keeps its packed number in its entry's key[0].
func (w *welder) lookup() {
	forEach(len(w.tables), w.workers, func(s int) {
		t := &w.tables[s]
		if t.slots == nil {
			e := 0
			for p := range w.nparts {
				e += w.parts[p].count(s)
			}
			if e == 0 {
				return
			}
			t.reset(w.per)
		}
		hi, escape := uint32(s)<<w.localBits, w.escape
		for p := range w.nparts {
			w.parts[p].each(s, func(entries []weldEntry) {
				for i := range entries {
					id := t.insert(entries[i].key)
					if id >= escape {
						w.escapes[s] = append(w.escapes[s], id)
						id = escape
					}
					entries[i].key[0] = hi | id
				}
			})
		}
	})
}

// vertices returns the number of distinct positions welded so far.
func (w *welder) vertices() int {
	n := 0
	for s := range w.tables {
		n += len(w.tables[s].keys)
	}
	return n
}

// finish numbers the vertices globally, rewrites the packed numbers in idx
// (every corner of the mesh, as weldSegment wrote them) and returns the
// distinct positions. The tables are dropped. It fails only for more
// distinct positions than uint32 indices can number.
func (w *welder) finish(idx []uint32) ([]float32, error) {
	shards := len(w.tables)
	base := make([]uint32, shards+1)
	total := 0
	for s := range shards {
		base[s] = uint32(total)
		total += len(w.tables[s].keys)
		if total > math.MaxUint32 {
			return nil, fmt.Errorf("more than %d distinct vertices, which 32-bit indices cannot number", uint32(math.MaxUint32))
		}
	}
	verts := make([]float32, 3*total)
	forEach(shards, w.workers, func(s int) {
		v := verts[3*int(base[s]):]
		for k, key := range w.tables[s].keys {
			p := v[3*k : 3*k+3 : 3*k+3]
			p[0], p[1], p[2] = math.Float32frombits(key[0]), math.Float32frombits(key[1]), math.Float32frombits(key[2])
		}
		w.tables[s] = weldTable{}
	})
	escaped := false
	for s := range w.escapes {
		escaped = escaped || len(w.escapes[s]) > 0
	}
	mask, shift := uint32(uint64(1)<<w.localBits-1), w.localBits
	if !escaped {
		parallelRanges(len(idx), max(1, min(w.workers, len(idx)/(1<<16))), func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				v := idx[i]
				idx[i] = base[v>>shift] + v&mask
			}
		})
	} else {
		next := make([]int, shards) // next escape of each shard
		for i, v := range idx {
			s, local := v>>shift, v&mask
			if local == w.escape {
				local = w.escapes[s][next[s]]
				next[s]++
			}
			idx[i] = base[s] + local
		}
	}
	w.tables, w.parts, w.escapes = nil, nil, nil
	return verts, nil
}

// weldBuckets holds one part's corners grouped by shard: bucket s is
// buf[s*size:][:fill[s]], followed by spill[s] once it is full.
type weldBuckets struct {
	buf   []weldEntry
	size  int
	fill  []int
	spill [][]weldEntry
}

// reset empties b and sizes it for corners corners over shards shards,
// reusing its memory when it is big enough.
func (b *weldBuckets) reset(shards, corners int) {
	size := corners/shards + corners/shards/8 + 64
	if cap(b.buf) < shards*size {
		b.buf = make([]weldEntry, shards*size)
	}
	b.buf = b.buf[:shards*size]
	b.size = size
	if len(b.fill) != shards {
		b.fill = make([]int, shards)
		b.spill = make([][]weldEntry, shards)
	}
	clear(b.fill)
	for s := range b.spill {
		b.spill[s] = b.spill[s][:0]
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

// count returns the entries of shard s.
func (b *weldBuckets) count(s int) int { return b.fill[s] + len(b.spill[s]) }

// each calls fn with the entries of shard s, in one or two runs, in the
// order they were added.
func (b *weldBuckets) each(s int, fn func([]weldEntry)) {
	fn(b.buf[s*b.size : s*b.size+b.fill[s]])
	if len(b.spill[s]) > 0 {
		fn(b.spill[s])
	}
}

// weldEntry is a corner in a shard bucket: its position's bits and its
// number in the segment. Once its shard is welded, key[0] holds the
// corner's packed vertex number instead of the x bits.
type weldEntry struct {
	key    [3]uint32
	corner uint32
}

// weldTable is an open-addressing hash table of the distinct keys of one
// shard.
type weldTable struct {
	slots []uint32    // vertex number + 1, 0 for an empty slot
	keys  [][3]uint32 // the distinct keys, in order of first appearance
}

// reset empties the table and makes room for about n keys.
func (t *weldTable) reset(n int) {
	t.resize(slotsFor(n))
	t.keys = make([][3]uint32, 0, n+1)
}

// slotsFor returns the table size for n keys: a power of two, at least
// 1024 and at least twice n, as insert keeps it.
func slotsFor(n int) int { return max(1024, 1<<bits.Len(uint(2*n))) }

func (t *weldTable) resize(size int) {
	if cap(t.slots) < size {
		t.slots = make([]uint32, size)
	}
	t.slots = t.slots[:size]
	clear(t.slots)
}

// boundAfter returns the most memory the table may hold after e more
// inserts: reset makes room for per keys, append at most doubles the keys,
// grow keeps the slots a power of two above twice the keys.
func (t *weldTable) boundAfter(e, per int) int64 {
	n := len(t.keys) + e
	keys := cap(t.keys)
	if t.slots == nil {
		keys = per + 1
	}
	if n > keys {
		keys = 2*n + 8
	}
	return int64(max(cap(t.slots), slotsFor(max(n, per))))*4 + int64(keys)*12
}

// insert returns the number of key, adding it after the keys already in
// the table if it is new.
func (t *weldTable) insert(key [3]uint32) uint32 {
	id, found := t.find(key)
	if found {
		return id
	}
	t.keys = append(t.keys, key)
	t.slots[id] = uint32(len(t.keys))
	if 2*len(t.keys) > len(t.slots) {
		t.grow()
	}
	return uint32(len(t.keys) - 1)
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
	t.slots = make([]uint32, 2*len(t.slots))
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
