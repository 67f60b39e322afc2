package mesh

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"unsafe"
)

// Segment sizes of the binary decoder, in faces. The decoder reads a
// segment, processes it on all workers and, for an indexed mesh, welds it,
// while the next segment is read. A soup needs segments only large enough
// to keep the workers busy between barriers; a weld wants large ones, so
// that each shard's table serves many lookups while it is in cache.
const (
	soupSegment = 1 << 15
	weldSegment = 1 << 18
)

// decodeBinary decodes a binary STL file whose first bytes, prefix (at
// least the 84-byte header and count), are already read; rest yields the
// others. size is the input's size, checked by detect against the count,
// or -1 for a stream of unknown size (gzip, or a caller that does not
// know).
//
// With a known size the count is backed by bytes that exist, and the
// mesh's arrays are reserved and allocated from it at once. A stream's
// count is only a claim: its faces go into blocks, reserved as they come,
// until an eighth of the count has arrived, and only then is the whole
// mesh reserved and allocated. Either way the record bytes never all sit in
// memory: the file is streamed segment by segment.
func (d Decoder) decodeBinary(ctx context.Context, res *reservation, prefix []byte, rest io.Reader, size int64) (*Mesh, error) {
	n := int(binary.LittleEndian.Uint32(prefix[headerSize:countEnd]))
	if size < 0 {
		if need := int64(countEnd) + int64(recordSize)*int64(n); need > d.maxSize() {
			return nil, offsetError(headerSize, ErrTooLarge, "the header claims %d triangles (%d bytes), more than the %d bytes a stream of unknown size may hold",
				n, need, d.maxSize())
		}
	}
	b := &binaryDecoder{ctx: ctx, res: res, n: n, workers: d.workers(n), what: trianglesText(n)}
	b.seg = soupSegment
	if d.Indexed {
		b.seg = weldSegment
	}
	if d.segment > 0 {
		b.seg = d.segment
	}
	b.seg = min(n, b.seg)
	b.colors = newColorDecoder(prefix[:headerSize])
	helper := b.workers > 1
	bufs := 1
	if helper {
		bufs = 2
	}
	// Transient memory: record buffers, colour scratch, per-part scratch
	// and, for a weld, the partition buckets (twice their expected size,
	// for a hash that spills).
	parts := max(b.workers, 3*b.seg/partCorners+1)
	transient := int64(bufs*b.seg*recordSize) + int64(b.seg)*int64(unsafe.Sizeof(Color{})) + int64(parts*chunkFaces*36) + 64<<10
	if d.Indexed {
		shards := int64(1) << shardBitsFor(3*n)
		transient += 2*16*(int64(3*b.seg)*9/8+(64*shards+1)*int64(parts)) + 72*shards
	}
	b.nrm = newFaceArray[float32](3)
	if d.Indexed {
		b.idx = newFaceArray[uint32](3)
	} else {
		b.pos = newFaceArray[float32](9)
	}
	b.trustAt = min(n, max(b.seg, n/8))
	res.expected = transient + b.faceBytes(n) // if the count is true
	if size >= 0 {
		b.trustAt = 0
		transient += b.faceBytes(n)
	}
	if err := res.reserve(transient, d.Indexed, b.what); err != nil {
		return nil, err
	}
	if d.Indexed {
		b.w = newWelder(3*n, b.workers, size >= 0)
	}
	if b.trustAt == 0 {
		b.promote()
	}
	b.addParts(b.workers)

	first := b.seg // a stream's segments start small and double: its count is only a claim
	if size < 0 {
		first = min(b.seg, 1024)
	}
	src := newRecordSource(ctx, io.MultiReader(bytes.NewReader(prefix[countEnd:]), rest), n, first, b.seg, bufs, helper)
	defer src.stop()
	for {
		s, ok := src.read()
		if !ok {
			break
		}
		if s.err != nil {
			return nil, s.err
		}
		if err := b.segment(s.buf, s.first); err != nil {
			return nil, err
		}
		src.recycle(s.buf)
	}
	src.stop()

	m := &Mesh{
		Format:    Binary,
		Header:    headerText(prefix[:headerSize]),
		Solids:    []Solid{{First: 0, Count: b.kept}},
		FacesRead: n,
		Dropped:   b.dropped,
		Bounds:    EmptyBox(),
		Normals:   b.nrm.result(),
	}
	for i := range b.stats {
		m.Bounds = m.Bounds.Union(b.stats[i].bounds)
		m.Degenerate += b.stats[i].degenerate
	}
	if b.col != nil {
		m.Colors = b.col.result()
	}
	if b.w == nil {
		m.Positions = b.pos.result()
		return m, nil
	}
	d.stage(StageWelding)
	m.Indices = b.idx.result()
	if err := res.reserve(int64(b.w.vertices())*12, false, b.what); err != nil {
		return nil, err
	}
	var err error
	m.Positions, err = b.w.finish(m.Indices)
	if err != nil {
		return nil, offsetError(-1, ErrTooLarge, "%v", err) // more than 2^32 vertices
	}
	res.release(b.weldHeld)
	return m, nil
}

// binaryDecoder is the state of one binary decode. Its fields are written
// by the decoding goroutine between segments; during a segment's phases
// each part's goroutine writes only its own entries of stats, anyColor
// and scratch, and its own faces of the arrays.
type binaryDecoder struct {
	ctx     context.Context
	res     *reservation
	what    func() string // "for N triangles", for budget errors
	n       int           // faces the header claims
	seg     int           // faces a segment
	workers int
	trustAt int // faces read before the arrays are allocated whole; 0 for a known size

	colors *colorDecoder
	pos    *faceArray[float32] // a soup's positions, or nil
	idx    *faceArray[uint32]  // an indexed mesh's indices, or nil
	nrm    *faceArray[float32]
	col    *faceArray[Color] // nil until a face has a colour
	w      *welder           // nil for a soup

	stats      []faceStats // per part; dropped is the current segment's faces, segment-numbered
	anyColor   []bool      // per part: the part has a face colour
	scratch    [][]float32 // per part: one chunk's positions, for a weld
	colScratch []Color     // the current segment's colours

	weldHeld int64 // bytes reserved for the welder's tables
	kept     int   // faces stored
	dropped  int   // faces dropped
}

// faceBytes returns the bytes the per-face arrays take for k faces.
func (b *binaryDecoder) faceBytes(k int) int64 {
	n := b.nrm.faceBytes(k)
	if b.pos != nil {
		n += b.pos.faceBytes(k)
	} else {
		n += b.idx.faceBytes(k)
	}
	if b.col != nil {
		n += b.col.faceBytes(k)
	}
	return n
}

// promote allocates the per-face arrays whole, for every face the header
// claims, and moves the blocks in, releasing theirs; the caller has
// reserved the whole arrays.
func (b *binaryDecoder) promote() {
	freed := b.nrm.promote(b.n)
	if b.pos != nil {
		freed += b.pos.promote(b.n)
	} else {
		freed += b.idx.promote(b.n)
	}
	if b.col != nil {
		freed += b.col.promote(b.n)
	}
	b.res.release(freed)
}

// segment decodes the records in buf, faces first.. of the file.
func (b *binaryDecoder) segment(buf []byte, first int) error {
	k := len(buf) / recordSize
	if cap(b.colScratch) < k {
		b.colScratch = make([]Color, k)
	}
	b.colScratch = b.colScratch[:k]
	switch {
	case b.nrm.promoted():
	case first+k >= b.trustAt:
		// Enough of the stream has arrived to believe its count. The
		// blocks and the whole arrays are held at once while the blocks
		// move in.
		if err := b.res.reserve(b.faceBytes(b.n), b.w != nil, b.what); err != nil {
			return err
		}
		b.promote()
	default:
		if err := b.res.reserve(b.faceBytes(k), b.w != nil, b.what); err != nil {
			return err
		}
	}
	var pos []float32
	var idx []uint32
	if b.pos != nil {
		pos = b.pos.next(k)
	} else {
		idx = b.idx.next(k)
	}
	nrm := b.nrm.next(k)
	parts := max(1, min(b.workers, k/chunkFaces))
	if b.w != nil {
		parts = b.w.begin(3 * k)
		b.addParts(parts)
		b.w.eachPart(k, func(p, lo, hi int) { b.decodePart(p, buf, lo, hi, pos, nrm) })
	} else {
		parallelRanges(k, parts, func(p, lo, hi int) { b.decodePart(p, buf, lo, hi, pos, nrm) })
	}

	var dropped []int // in order: each part's faces follow the last part's
	anyColor := false
	for p := range parts {
		dropped = append(dropped, b.stats[p].dropped...)
		b.stats[p].dropped = b.stats[p].dropped[:0]
		anyColor = anyColor || b.anyColor[p]
		b.anyColor[p] = false
	}
	if b.w != nil {
		if need := b.w.growthBound(); need > b.weldHeld {
			if err := b.res.reserve(need-b.weldHeld, true, b.what); err != nil {
				return err
			}
			b.weldHeld = need
		}
		b.w.weldSegment(idx)
	}
	kept := k - len(dropped)
	if len(dropped) > 0 {
		compactFaces(pos, 9, dropped)
		compactFaces(idx, 3, dropped)
		compactFaces(nrm, 3, dropped)
		compactFaces(b.colScratch[:k], 1, dropped)
	}
	if b.pos != nil {
		b.pos.commit(kept)
	} else {
		b.idx.commit(kept)
	}
	b.nrm.commit(kept)
	if err := b.storeColors(k, kept, anyColor); err != nil {
		return err
	}
	b.kept += kept
	b.dropped += len(dropped)
	return nil
}

// addParts makes room for the state of n parts.
func (b *binaryDecoder) addParts(n int) {
	for len(b.stats) < n {
		b.stats = append(b.stats, newFaceStats())
		b.anyColor = append(b.anyColor, false)
		if b.w != nil {
			b.scratch = append(b.scratch, make([]float32, 9*chunkFaces))
		}
	}
}

// storeColors stores the colours of the segment's kept faces once any face
// has had one; the faces before the first colour get none (A = 0).
func (b *binaryDecoder) storeColors(k, kept int, anyColor bool) error {
	if b.col == nil && !anyColor {
		return nil
	}
	if b.col == nil {
		b.col = newFaceArray[Color](1)
		need := b.col.faceBytes(b.kept)
		if b.nrm.promoted() {
			need = b.col.faceBytes(b.n)
		}
		if err := b.res.reserve(need, b.w != nil, b.what); err != nil {
			return err
		}
		if b.nrm.promoted() {
			b.col.promote(b.n)
		}
		b.col.skip(b.kept)
	}
	if !b.col.promoted() {
		if err := b.res.reserve(b.col.faceBytes(k), b.w != nil, b.what); err != nil {
			return err
		}
	}
	copy(b.col.next(k), b.colScratch[:kept])
	b.col.commit(kept)
	return nil
}

// decodePart decodes and processes the records of faces lo..hi of the
// segment in buf, a chunk at a time, on part p's goroutine: positions into
// pos (a soup) or into the part's scratch and the welder's buckets,
// normals into nrm, colours into the colour scratch.
func (b *binaryDecoder) decodePart(p int, buf []byte, lo, hi int, pos, nrm []float32) {
	st := &b.stats[p]
	for f := lo; f < hi; f += chunkFaces {
		e := min(hi, f+chunkFaces)
		rec := buf[recordSize*f : recordSize*e]
		var pp []float32
		if b.w == nil {
			pp = pos[9*f : 9*e]
		} else {
			pp = b.scratch[p][:9*(e-f)]
		}
		decodeRecords(rec, pp)
		if b.colors.chunk(rec, b.colScratch[f:e]) {
			b.anyColor[p] = true
		}
		before := len(st.dropped)
		processFaces(pp, nrm[3*f:3*e], f, st)
		if b.w != nil {
			b.w.partition(p, pp, 3*f, st.dropped[before:])
		}
	}
}

// recordSource yields the records of a binary file a segment at a time:
// the first of first faces, the next ones twice as large each, up to seg.
// With a helper, a goroutine reads the next segment while the caller
// processes the last one, in a fixed set of buffers that circulate, so
// memory is bounded however large the file is.
type recordSource struct {
	ctx      context.Context
	r        io.Reader
	n, seg   int
	nextFace int // without a helper: the first face of the next segment
	nextSize int // without a helper: the faces of the next segment

	buf []byte // without a helper: the one buffer

	g        group // the helper
	full     chan recordSegment
	free     chan []byte
	quit     chan struct{}
	stopped  bool
	finished bool // the helper has ended and its panic, if any, was raised
}

// recordSegment is a segment's records, faces first.., or the error that
// ended the reading.
type recordSegment struct {
	buf   []byte
	first int
	err   error
}

func newRecordSource(ctx context.Context, r io.Reader, n, first, seg, bufs int, helper bool) *recordSource {
	s := &recordSource{ctx: ctx, r: r, n: n, seg: seg, nextSize: first}
	if n == 0 || !helper {
		return s
	}
	s.full = make(chan recordSegment, bufs)
	s.free = make(chan []byte, bufs)
	s.quit = make(chan struct{})
	for range bufs {
		s.free <- nil
	}
	s.g.GoThen(func() {
		for face, size := 0, first; face < n; face, size = face+size, min(seg, 2*size) {
			var buf []byte
			select {
			case buf = <-s.free:
			case <-s.quit:
				return
			}
			buf = grow(buf, recordSize*min(size, n-face))
			first := face
			err := readRecords(ctx, r, buf, first)
			select {
			case s.full <- recordSegment{buf, first, err}:
			case <-s.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}, func() { close(s.full) }) // also after a panic: read then raises it
	return s
}

// read returns the next segment, or false after the last one.
func (s *recordSource) read() (recordSegment, bool) {
	if s.full == nil {
		if s.nextFace >= s.n {
			return recordSegment{}, false
		}
		first := s.nextFace
		s.buf = grow(s.buf, recordSize*min(s.nextSize, s.n-first))
		s.nextFace += s.nextSize
		s.nextSize = min(s.seg, 2*s.nextSize)
		return recordSegment{s.buf, first, readRecords(s.ctx, s.r, s.buf, first)}, true
	}
	seg, ok := <-s.full
	if !ok {
		s.finished = true
		s.g.Wait() // raises the helper's panic, if it had one
	}
	return seg, ok
}

// recycle gives back a buffer read returned.
func (s *recordSource) recycle(buf []byte) {
	if s.free != nil {
		s.free <- buf[:cap(buf)]
	}
}

// stop ends the helper and waits for it; it may be called more than once.
// A panic of the helper not yet raised by read is raised here.
func (s *recordSource) stop() {
	if s.quit == nil || s.stopped {
		return
	}
	s.stopped = true
	close(s.quit)
	if !s.finished {
		s.finished = true
		s.g.Wait()
	}
}

// grow returns b with length n, reallocated if it is too small.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// readRecords fills buf with the records of faces first... It returns ctx's
// error once ctx is done, and ErrTruncated where the input ends early (a
// file that shrank after its size was taken, a stream cut short), with the
// offset where its data ended.
func readRecords(ctx context.Context, r io.Reader, buf []byte, first int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	got, err := io.ReadFull(r, buf)
	off := int64(countEnd) + int64(recordSize)*int64(first) + int64(got)
	face := first + got/recordSize
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return offsetError(off, ErrTruncated, "the data ends inside triangle %d", face+1)
	}
	var pe *ParseError
	if errors.As(err, &pe) && pe.Line == 0 && pe.Offset < 0 {
		pe.Offset = off // a gzip stream's error, from the decompressor that knows no position
	}
	return err
}

// decodeRecords decodes the vertices of the 50-byte records in buf into
// pos, nine floats a record. The stored normal is skipped (it is
// recomputed) and so is the attribute word (colorDecoder reads it).
func decodeRecords(buf []byte, pos []float32) {
	k := len(buf) / recordSize
	pos = pos[:9*k]
	for i := range k {
		r := buf[recordSize*i+12 : recordSize*i+recordSize : recordSize*i+recordSize]
		p := pos[9*i : 9*i+9 : 9*i+9]
		for j := range 9 {
			p[j] = math.Float32frombits(binary.LittleEndian.Uint32(r[4*j:]))
		}
	}
}
