package hostile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Generators of the suite's input. Big input is made without writing or
// compressing all of it: sparse files for binary STL, and gzip streams
// whose repeated part is compressed once (writeGzipRepeat).

// binarySTL returns a binary STL file of n distinct, non-degenerate
// triangles.
func binarySTL(n int) []byte {
	b := make([]byte, 84, 84+50*n)
	copy(b, "binary STL made by the hostile suite")
	binary.LittleEndian.PutUint32(b[80:], uint32(n))
	var rec [50]byte
	for i := range n {
		x := float32(i)
		vals := [12]float32{0, 0, 1, x, 0, 0, x + 1, 0, 0, x, 1, 0}
		for k, v := range vals {
			binary.LittleEndian.PutUint32(rec[4*k:], math.Float32bits(v))
		}
		b = append(b, rec[:]...)
	}
	return b
}

// asciiSTL returns an ASCII STL file of n distinct, non-degenerate facets
// laid out as exporters write them: one keyword and its numbers a line.
func asciiSTL(n int) string {
	return "solid hostile\n" + asciiFacets(n) + "endsolid hostile\n"
}

// asciiFacets returns the facets of asciiSTL alone.
func asciiFacets(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  facet normal 0 0 1\n    outer loop\n      vertex %d 0 0\n      vertex %d 0 0\n      vertex %d 1 0\n    endloop\n  endfacet\n", i, i+1, i)
	}
	return b.String()
}

// asciiTokens returns the facets of asciiSTL in a solid without a name,
// each token followed by sep and no other white space: " " makes a file
// without a line break, "\n" one with every token on a line of its own.
func asciiTokens(n int, sep string) string {
	fields := strings.Fields(asciiFacets(n))
	return "solid" + sep + strings.Join(fields, sep) + sep + "endsolid" + sep
}

// writeSparseBinary writes a binary STL header that claims count
// triangles and makes the file size bytes long without writing them: a
// sparse file, all zero records, that costs one block of disk.
func writeSparseBinary(t testing.TB, path string, count uint32, size int64) {
	t.Helper()
	header := make([]byte, 84)
	copy(header, "sparse file made by the hostile suite")
	binary.LittleEndian.PutUint32(header[80:], count)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(header); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatalf("truncate to %d bytes (does this file system make sparse files?): %v", size, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeRepeated writes block n times to path, in big writes.
func writeRepeated(t testing.TB, path string, block []byte, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for range n {
		if _, err := w.Write(block); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// repeatBlock returns unit repeated to at least min bytes and to a
// multiple of deflate's 32 KiB window, so that every copy of the block
// meets the compressor in the same state (see writeGzipRepeat).
func repeatBlock(unit string, min int) []byte {
	const window = 32 << 10
	n := len(unit)
	for n%window != 0 {
		n += len(unit)
	}
	reps := (min + n - 1) / n
	return bytes.Repeat([]byte(unit), reps*n/len(unit))
}

// writeGzipFile writes the gzip stream of head, block n times, then tail
// to path and returns the path; see writeGzipRepeat.
func writeGzipFile(t testing.TB, path string, head, block, tail []byte, n int) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := writeGzipRepeat(w, head, block, tail, n); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeGzipRepeat writes to w one gzip member holding head, then block n
// times, then tail, without compressing n blocks: each block is followed
// by a sync flush, which ends deflate's output on a byte, and once the
// window holds nothing but the block, the compressed bytes of one more
// block come out the same every time (seen three times running before they
// are trusted). Those bytes are then written for the remaining blocks; the
// trailer's CRC-32 and length are computed for the whole content. Gzip
// readers see an ordinary stream with empty stored blocks in it.
// TestGzipRepeat checks the result with compress/gzip.
func writeGzipRepeat(w io.Writer, head, block, tail []byte, n int) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(head); err != nil {
		return err
	}
	var last []byte
	same, done := 0, 0
	for done < n && same < 3 {
		if _, err := zw.Write(block); err != nil {
			return err
		}
		if err := zw.Flush(); err != nil {
			return err
		}
		done++
		seg := bytes.Clone(buf.Bytes())
		buf.Reset()
		if bytes.Equal(seg, last) {
			same++
		} else {
			same = 0
		}
		last = seg
		if _, err := w.Write(seg); err != nil {
			return err
		}
	}
	if done < n && same < 3 {
		return errors.New("gzip: the compressed block never settled")
	}
	for ; done < n; done++ {
		if _, err := w.Write(last); err != nil {
			return err
		}
	}
	if _, err := zw.Write(tail); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	end := buf.Bytes()
	size := uint64(len(head)) + uint64(len(block))*uint64(n) + uint64(len(tail))
	crc := crc32.ChecksumIEEE(head)
	crc = crcOf(block).power(n).apply(crc)
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	binary.LittleEndian.PutUint32(end[len(end)-8:], crc)
	binary.LittleEndian.PutUint32(end[len(end)-4:], uint32(size))
	_, err = w.Write(end)
	return err
}

// A crcStep is what crc32.Update does to a running CRC-32 for some fixed
// data: an affine map over GF(2), f(x) = c ^ (the XOR of col[i] for each
// bit i set in x). Composing steps extends a CRC over data repeated n
// times in log n steps, as zlib's crc32_combine does.
type crcStep struct {
	c   uint32
	col [32]uint32
}

// crcOf returns the step for data.
func crcOf(data []byte) crcStep {
	var s crcStep
	s.c = crc32.Update(0, crc32.IEEETable, data)
	for i := range s.col {
		s.col[i] = crc32.Update(1<<i, crc32.IEEETable, data) ^ s.c
	}
	return s
}

func (s crcStep) apply(x uint32) uint32 {
	y := s.c
	for i := 0; x != 0; i, x = i+1, x>>1 {
		if x&1 != 0 {
			y ^= s.col[i]
		}
	}
	return y
}

// then returns the step of s's data followed by u's.
func (s crcStep) then(u crcStep) crcStep {
	var r crcStep
	r.c = u.apply(s.c)
	for i := range r.col {
		r.col[i] = u.apply(s.col[i]) ^ u.c
	}
	return r
}

// power returns the step of s's data repeated n times.
func (s crcStep) power(n int) crcStep {
	r := crcStep{} // the identity
	for i := range r.col {
		r.col[i] = 1 << i
	}
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			r = r.then(s)
		}
		s = s.then(s)
	}
	return r
}

// countBomb writes a gzip stream of a binary STL file of count
// triangles whose records are all zero: count*50 bytes that inflate from
// about a thousandth of that.
func countBomb(t testing.TB, path string, count int) string {
	t.Helper()
	head := make([]byte, 84)
	copy(head, "gzip bomb made by the hostile suite")
	binary.LittleEndian.PutUint32(head[80:], uint32(count))
	const block = 1 << 20
	records := int64(count) * 50
	return writeGzipFile(t, path, head, make([]byte, block), make([]byte, records%block), int(records/block))
}

// genuineBinary writes a genuine mesh of about faces triangles with
// cmd/stlgen (a torus grid: shared vertices, as real parts have) and
// returns its triangle count, checked against the file's size.
func genuineBinary(t testing.TB, path string, faces int) int {
	t.Helper()
	if out, err := exec.Command(stlgenBin, "-faces", fmt.Sprint(faces), "-o", path).CombinedOutput(); err != nil {
		t.Fatalf("stlgen: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var header [84]byte
	if _, err := io.ReadFull(f, header[:]); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint32(header[80:]))
	if fi.Size() != 84+50*int64(n) {
		t.Fatalf("stlgen wrote %d bytes for %d triangles", fi.Size(), n)
	}
	return n
}

// TestGzipRepeat checks writeGzipRepeat against compress/gzip, which
// verifies the CRC-32 and length at the end: the content must be head,
// block n times and tail, for blocks of the sizes the cases use.
func TestGzipRepeat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		head, tail string
		block      []byte
		n          int
	}{
		{"zeros", "", "", make([]byte, 1<<20), 12},
		{"solid lines", "", "", repeatBlock("solid\n", 1<<20), 10},
		{"name", "solid ", "\nendsolid\n", repeatBlock("a", 1<<20), 9},
		{"fewer than settle", "x", "y", make([]byte, 1<<15), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var z bytes.Buffer
			if err := writeGzipRepeat(&z, []byte(tc.head), tc.block, []byte(tc.tail), tc.n); err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(&z)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("reading it back: %v", err)
			}
			want := tc.head + strings.Repeat(string(tc.block), tc.n) + tc.tail
			if string(got) != want {
				t.Errorf("got %d bytes back, want %d (equal: %v)", len(got), len(want), len(got) == len(want))
			}
		})
	}
}
