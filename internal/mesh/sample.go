package mesh

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// sampleBlock is how many consecutive records SampleBinary reads at a
// time: one read of 3,200 bytes, so a sample of a big file costs a few
// thousand reads, not one per face.
const sampleBlock = 64

// ErrNotSampled is returned by SampleBinary for input it cannot sample: not
// a binary STL whose triangle count accounts for its size exactly.
var ErrNotSampled = errors.New("mesh: not a binary STL that can be sampled")

// SampleBinary returns about faces faces spread evenly over the binary STL
// r of size bytes, read in blocks of consecutive records, without reading
// the rest: a rough mesh of the whole shape to show while the file
// decodes. It needs random access, so r is typically an *os.File.
//
// It returns ErrNotSampled when r is not a binary STL whose count
// accounts for its size exactly (ASCII, gzip, trailing bytes, a damaged
// count), and the read's error if one fails. A file of at most faces faces
// is read whole. Faces with a coordinate that is not finite are left out,
// as Decode drops them. The sample is a soup with normals computed and
// bounds set; its FacesRead is the file's count. It never allocates more
// than 48 bytes per face asked for.
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
	blocks := (min(int64(faces), count) + sampleBlock - 1) / sampleBlock
	pos := make([]float32, 0, 9*blocks*sampleBlock)
	buf := make([]byte, sampleBlock*recordSize)
	for b := range blocks {
		// Block b starts somewhere in the b-th of blocks equal stretches
		// of the file, at a pseudo-random place: blocks at a fixed stride
		// would alias with the rows of a generated or scanned mesh and
		// show one side of it. When the file is read whole they tile it.
		first := b * sampleBlock
		if stretch := count / blocks; stretch > sampleBlock {
			first = b*count/blocks + int64(mix(uint64(b))%uint64(stretch-sampleBlock))
		}
		n := min(sampleBlock, count-first)
		chunk := buf[:n*recordSize]
		if _, err := r.ReadAt(chunk, countEnd+first*recordSize); err != nil {
			return nil, fmt.Errorf("mesh: sampling at byte %d: %w", countEnd+first*recordSize, err)
		}
		for rec := range int(n) {
			off := rec*recordSize + 12 // past the stored normal
			var v [9]float32
			ok := true
			for k := range v {
				v[k] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[off+4*k:]))
				if math.IsNaN(float64(v[k])) || math.IsInf(float64(v[k]), 0) {
					ok = false
				}
			}
			if ok {
				pos = append(pos, v[:]...)
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
