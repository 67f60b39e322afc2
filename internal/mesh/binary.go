package mesh

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"sync"
)

// decodeBinary decodes a binary STL file of the given size whose first
// bytes, prefix (at least the 84-byte header and count), are already read.
// detect has checked that the count fits in the size, so the slices sized
// from it are backed by bytes that exist.
//
// The file is streamed in chunks of chunkFaces records: this goroutine
// reads, workers decode and process, and the record bytes never all sit in
// memory at once, so peak memory stays near the size of the mesh itself.
func (d Decoder) decodeBinary(ctx context.Context, prefix []byte, rest io.Reader, size int64) (*Mesh, error) {
	n := int(binary.LittleEndian.Uint32(prefix[headerSize:countEnd]))
	m := &Mesh{
		Format:    Binary,
		Header:    headerText(prefix[:headerSize]),
		Positions: make([]float32, 9*n),
		Normals:   make([]float32, 3*n),
		Solids:    []Solid{{First: 0, Count: n}},
		FacesRead: n,
	}
	colors := newColorDecoder(prefix[:headerSize], n)
	body := io.MultiReader(bytes.NewReader(prefix[countEnd:]), rest)

	workers := d.workers(n)
	stats := make([]faceStats, workers)
	for i := range stats {
		stats[i] = newFaceStats()
	}
	// process decodes and processes the records of faces first.. in buf.
	process := func(buf []byte, first int, st *faceStats) {
		k := len(buf) / recordSize
		decodeRecords(buf, m.Positions[9*first:9*(first+k)])
		colors.chunk(buf, first)
		processFaces(m.Positions[9*first:9*(first+k)], m.Normals[3*first:3*(first+k)], first, st)
	}

	var err error
	if workers == 1 {
		buf := make([]byte, recordSize*min(n, chunkFaces))
		for first := 0; first < n && err == nil; first += chunkFaces {
			k := min(chunkFaces, n-first)
			if err = readRecords(ctx, body, buf[:recordSize*k], first); err == nil {
				process(buf[:recordSize*k], first, &stats[0])
			}
		}
	} else {
		err = decodeParallel(ctx, body, n, workers, stats, process)
	}
	if err != nil {
		return nil, err
	}

	total := newFaceStats()
	for i := range stats {
		total.merge(&stats[i])
	}
	m.Colors = colors.colors
	m.Bounds = total.bounds
	m.Degenerate = total.degenerate
	dropFaces(m, total.dropped)
	return m, nil
}

// decodeParallel reads the n records from body in chunks and hands each to
// one of workers goroutines, which call process with their own stats. A
// fixed set of buffers circulates between reader and workers, so memory is
// bounded however large the file is.
func decodeParallel(ctx context.Context, body io.Reader, n, workers int, stats []faceStats,
	process func(buf []byte, first int, st *faceStats)) error {
	type chunk struct {
		buf   []byte
		first int
	}
	free := make(chan []byte, 2*workers)
	for range cap(free) {
		free <- make([]byte, recordSize*chunkFaces)
	}
	work := make(chan chunk, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for c := range work {
				process(c.buf, c.first, &stats[w])
				free <- c.buf[:cap(c.buf)]
			}
		})
	}
	var err error
	for first := 0; first < n; first += chunkFaces {
		buf := (<-free)[:recordSize*min(chunkFaces, n-first)]
		if err = readRecords(ctx, body, buf, first); err != nil {
			break
		}
		work <- chunk{buf, first}
	}
	close(work)
	wg.Wait()
	return err
}

// readRecords fills buf with the records of faces first... It returns ctx's
// error once ctx is done, and ErrTruncated where the input ends early (a
// file that shrank after its size was taken).
func readRecords(ctx context.Context, r io.Reader, buf []byte, first int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	got, err := io.ReadFull(r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		off := int64(countEnd) + int64(recordSize)*int64(first) + int64(got)
		face := first + got/recordSize
		return offsetError(off, ErrTruncated, "the file ends inside triangle %d", face+1)
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
