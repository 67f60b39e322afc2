package mesh

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// addTestdata seeds f with every file of testdata/.
func addTestdata(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue // testdata/fuzz: the fuzzer's own corpus
		}
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkDecodeError fails t unless err is a *ParseError wrapping a sentinel.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("got %T %v, want a *ParseError", err, err)
	}
	for _, s := range []error{ErrEmpty, ErrNotSTL, ErrTruncated, ErrSyntax, ErrTooLarge} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %v wraps no sentinel", err)
}

// sentinelOf returns the sentinel err wraps, or nil.
func sentinelOf(err error) error {
	for _, s := range []error{ErrEmpty, ErrNotSTL, ErrTruncated, ErrSyntax, ErrTooLarge} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// inflated returns data, decompressed (as far as it goes, up to 1 MB) if
// it is gzip.
func inflated(data []byte) []byte {
	if !isGzip(data) {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	out, _ := io.ReadAll(io.LimitReader(zr, 1<<20))
	return out
}

// longestWord returns the length of the longest run of bytes that are not
// ASCII white space.
func longestWord(data []byte) int {
	longest, n := 0, 0
	for _, c := range data {
		if byteClass[c] == 0 {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// FuzzDecode feeds arbitrary bytes to the decoder, seeded with every file
// of testdata/. It must never panic; it must return either an error that
// wraps a sentinel or a mesh that keeps its invariants; what it allocates
// must stay in proportion to the input (MaxSize bounds gzip). Decoding with
// Indexed and a Budget must give the same faces, numbered as Indexed
// numbers them, and leave exactly the mesh's bytes reserved; decoding in
// small chunks and segments on several workers must give what one worker
// gives.
func FuzzDecode(f *testing.F) {
	addTestdata(f)
	const maxSize = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		var m *Mesh
		var err error
		d := Decoder{MaxSize: maxSize, Workers: 2}
		alloc := allocBytes(func() {
			m, err = d.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
		})
		// Fixed costs (the first read, chunk buffers) plus what a mesh of
		// this input can need: a binary face is 50 bytes in and 50 out, an
		// ASCII byte holds at most a float, a gzip input inflates to MaxSize.
		limit := int64(2<<20 + 40*len(data))
		if isGzip(data) {
			limit += 60 * maxSize
		}
		if alloc > limit {
			t.Errorf("allocated %d bytes for %d bytes of input", alloc, len(data))
		}
		if err != nil {
			checkDecodeError(t, err)
		} else {
			checkMesh(t, m)
		}

		b := newTestBudget(64 << 20)
		x, xerr := Decoder{MaxSize: maxSize, Workers: 2, Indexed: true, Budget: b}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
		b.check(t, x, xerr)
		if (xerr == nil) != (err == nil) && !errors.Is(xerr, ErrTooLarge) {
			t.Fatalf("indexed: got %v, plain: %v", xerr, err)
		}
		if xerr == nil && err == nil {
			checkMesh(t, x)
			if m.Dropped == 0 {
				want := m.IndexedWorkers(2)
				if !slices.Equal(x.Positions, want.Positions) || !slices.Equal(x.Indices, want.Indices) {
					t.Fatalf("indexed decode numbers %d vertices otherwise than Indexed (%d)", x.Vertices(), want.Vertices())
				}
			}
			sameFaces(t, x, m)
		}

		// Chunks of 256 bytes cut words longer than that, which the
		// decoder then reads otherwise: compare only where there are none.
		if longestWord(inflated(data)) < 128 {
			c, cerr := Decoder{MaxSize: maxSize, Workers: 3, textChunk: 256, segment: 3}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
			one, oerr := Decoder{MaxSize: maxSize, Workers: 1}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
			var cpe, ope *ParseError
			switch {
			case (cerr == nil) != (oerr == nil):
				t.Fatalf("in chunks: got %v, in one: %v", cerr, oerr)
			case cerr != nil && errors.As(cerr, &cpe) && errors.As(oerr, &ope) && (cpe.Line != ope.Line || sentinelOf(cerr) != sentinelOf(oerr)):
				t.Fatalf("in chunks: got %v, in one: %v", cerr, oerr)
			case cerr == nil:
				sameFaces(t, c, one)
				if !slices.Equal(c.Solids, one.Solids) || c.Bounds != one.Bounds || c.Dropped != one.Dropped {
					t.Fatalf("in chunks: got solids %v, in one %v", c.Solids, one.Solids)
				}
			}
		}
	})
}

// FuzzDecodeHeader checks that DecodeHeader agrees with Decode on the
// format, the compression and a binary file's count wherever Decode
// succeeds, for a known size and an unknown one, and never panics.
func FuzzDecodeHeader(f *testing.F) {
	addTestdata(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, size := range []int64{int64(len(data)), -1} {
			h, herr := DecodeHeader(bytes.NewReader(data), size)
			m, err := Decode(bytes.NewReader(data), size)
			if herr != nil {
				checkDecodeError(t, herr)
			}
			if err != nil {
				continue
			}
			if herr != nil {
				t.Fatalf("size %d: Decode succeeds, DecodeHeader fails: %v", size, herr)
			}
			if h.Format != m.Format || h.Compressed != m.Compressed {
				t.Fatalf("size %d: DecodeHeader says %v (compressed %v), Decode %v (%v)", size, h.Format, h.Compressed, m.Format, m.Compressed)
			}
			if (m.Format == Binary && h.Faces != m.FacesRead) || (m.Format == ASCII && h.Faces != -1) {
				t.Fatalf("size %d: DecodeHeader counts %d faces, Decode reads %d", size, h.Faces, m.FacesRead)
			}
			if m.Format == Binary && h.Name != m.Header {
				t.Fatalf("size %d: DecodeHeader names %q, Decode %q", size, h.Name, m.Header)
			}
		}
	})
}

// FuzzParseFloat checks that parseFloat gives exactly what
// strconv.ParseFloat(s, 64) gives: the same bits, and a number (±Inf)
// where strconv reports a value out of range.
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0", "-0", "1.5299001E+2", "2.54044e-006", ".5", "5.", "123456789012345", "1234567890123456789",
		"9007199254740993", "1e22", "1e23", "4.9e-324", "1e-400", "1e400", "0x1.4p3", "inf", "-Inf", "NaN", "1_0", "", "+.5e1", "1e+", "0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParseFloat(t, s)
	})
}

// FuzzRoundTrip decodes arbitrary input and, where that succeeds, encodes
// the mesh as binary and as ASCII and decodes it again: binary gives back
// the same faces exactly, ASCII the same faces within the six digits its
// numbers keep, and the same solids.
func FuzzRoundTrip(f *testing.F) {
	addTestdata(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decoder{MaxSize: 1 << 20}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var bin bytes.Buffer
		if err := EncodeBinary(&bin, m, BinaryOptions{Header: "round trip", Colors: VisCAM}); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(bytes.NewReader(bin.Bytes()), int64(bin.Len()))
		if err != nil {
			t.Fatalf("binary: %v", err)
		}
		sameFaces(t, got, m)
		for f := range m.Faces() {
			var want, c Color
			if m.Colors != nil && m.Colors[f].A != 0 {
				w := m.Colors[f]
				want = Color{expand5(pack5(w.R)), expand5(pack5(w.G)), expand5(pack5(w.B)), 255}
			}
			if got.Colors != nil {
				c = got.Colors[f]
			}
			if c != want {
				t.Fatalf("binary: face %d has colour %v, want %v", f, c, want)
			}
		}

		var ascii bytes.Buffer
		if err := EncodeASCII(&ascii, m); err != nil {
			t.Fatal(err)
		}
		got, err = Decode(bytes.NewReader(ascii.Bytes()), int64(ascii.Len()))
		if err != nil {
			t.Fatalf("ascii: %v", err)
		}
		if got.Faces() != m.Faces() {
			t.Fatalf("ascii: got %d faces, want %d", got.Faces(), m.Faces())
		}
		for v := range 3 * m.Faces() {
			a, b := got.Vertex(got.Corner(v/3, v%3)), m.Vertex(m.Corner(v/3, v%3))
			for i := range 3 {
				if d := math.Abs(float64(a[i]) - float64(b[i])); d > 1e-6*math.Abs(float64(b[i]))+1e-37 {
					t.Fatalf("ascii: corner %d is %v, want %v", v, a, b)
				}
			}
		}
		plain := true // names without keywords, which read back as they are written
		for _, s := range m.Solids {
			for _, w := range bytes.Fields([]byte(s.Name)) {
				plain = plain && !isKeyword(w)
			}
		}
		if plain && !slices.Equal(got.Solids, m.Solids) {
			t.Fatalf("ascii: got solids %v, want %v", got.Solids, m.Solids)
		}
	})
}
