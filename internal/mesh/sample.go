package mesh

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// sampleChunk is how many records SampleBinary reads at a time: about a
// megabyte.
const sampleChunk = 20_000

// ErrNotSampled is returned by SampleBinary for input it cannot sample: not
// a binary STL whose triangle count accounts for its size exactly.
var ErrNotSampled = errors.New("mesh: not a binary STL that can be sampled")

// SampleBinary returns about faces faces spread evenly over the binary STL
// r of size bytes: one record picked at random in each stretch of
// count/faces records, so the faces left out leave gaps of the same size
// all over the part, whatever order the file lists its faces in (reading
// runs of records instead would leave stripes). It reads the file in
// chunks of about a megabyte and decodes only the records it picks: a
// rough mesh of the whole shape, to show while the file decodes or to draw
// a thumbnail from, at the cost of reading the file's bytes.
//
// It returns ErrNotSampled when r is not a binary STL whose count
// accounts for its size exactly (ASCII, gzip, trailing bytes, a damaged
// count), and the read's error if one fails. A file of at most faces faces
// is read whole. Faces with a coordinate that is not finite are left out,
// as Decode drops them. The sample is a soup with normals computed and
// bounds set; its FacesRead is the file's count. It allocates at most 48
// bytes per face asked for, and a megabyte.
func SampleBinary(r io.ReaderAt, size int64, faces int) (*Mesh, error) {
	var head [countEnd]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrNotSampled
		}
		return nil, err
	}
	count := int64(binary.LittleEndian.Uint32(head[headerSize:]))
	if countEnd+recordSize*count != size || count == 0 || faces <= 0 {
		return nil, ErrNotSampled
	}
	n := min(int64(faces), count)
	pos := make([]float32, 0, 9*n)
	buf := make([]byte, sampleChunk*recordSize)
	// Stretch k of the n holds records [k·count/n, (k+1)·count/n); its
	// pick is at a pseudo-random place in it.
	pick := func(k int64) int64 {
		lo, hi := k*count/n, (k+1)*count/n
		return lo + int64(mix(uint64(k))%uint64(hi-lo))
	}
	k, next := int64(0), pick(0)
	for first := int64(0); first < count && k < n; first += sampleChunk {
		if next >= first+sampleChunk {
			continue // nothing picked in this chunk: skip reading it
		}
		m := min(sampleChunk, count-first)
		chunk := buf[:m*recordSize]
		if _, err := r.ReadAt(chunk, countEnd+first*recordSize); err != nil {
			return nil, fmt.Errorf("mesh: sampling at byte %d: %w", countEnd+first*recordSize, err)
		}
		for ; k < n && next < first+m; k++ {
			off := int(next-first)*recordSize + 12 // past the stored normal
			var v [9]float32
			ok := true
			for i := range v {
				v[i] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[off+4*i:]))
				if math.IsNaN(float64(v[i])) || math.IsInf(float64(v[i]), 0) {
					ok = false
				}
			}
			if ok {
				pos = append(pos, v[:]...)
			}
			if k+1 < n {
				next = pick(k + 1)
			}
		}
	}
	m := FromTriangles(pos)
	m.Format = Binary
	m.FacesRead = int(count)
	return m, nil
}

// mix is SplitMix64's finaliser: a well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
