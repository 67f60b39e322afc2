package mesh

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"runtime/metrics"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestDecodeTestdata decodes every good file of testdata/ and checks what
// it holds.
func TestDecodeTestdata(t *testing.T) {
	tests := []struct {
		file       string
		format     Format
		compressed bool
		faces      int
		dropped    int
		degenerate int
		solids     []string
		header     string
	}{
		{file: "ascii.stl", format: ASCII, faces: 12, solids: []string{"cube"}},
		{file: "ascii_crlf.stl", format: ASCII, faces: 12, solids: []string{"cube"}},
		{file: "ascii_cr.stl", format: ASCII, faces: 12, solids: []string{"cube"}},
		{file: "ascii_hand.stl", format: ASCII, faces: 2, solids: []string{"Hand Made"}},
		{file: "ascii_solids.stl", format: ASCII, faces: 24, solids: []string{"first", "second", "empty"}},
		{file: "ascii_no_endsolid.stl", format: ASCII, faces: 12, solids: []string{"cube"}},
		{file: "ascii_degenerate.stl", format: ASCII, faces: 1, degenerate: 1, solids: []string{"broken"}},
		{file: "binary.stl", format: Binary, faces: 12, solids: []string{""}, header: "stlview testdata cube"},
		{file: "binary_solid_header.stl", format: Binary, faces: 12, solids: []string{""}, header: "solid cube (a binary file, despite this)"},
		{file: "binary_trailing_bytes.stl", format: Binary, faces: 12, solids: []string{""}, header: "solid cube, then 3 stray bytes"},
		{file: "binary_nonfinite.stl", format: Binary, faces: 9, dropped: 3, solids: []string{""}, header: "non-finite faces"},
		{file: "ascii.stl.gz", format: ASCII, compressed: true, faces: 12, solids: []string{"cube"}},
		{file: "binary.stl.gz", format: Binary, compressed: true, faces: 12, solids: []string{""}, header: "stlview testdata cube"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			m, err := Decode(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			checkMesh(t, m)
			if m.Format != tt.format || m.Compressed != tt.compressed {
				t.Errorf("got format %v compressed %v, want %v %v", m.Format, m.Compressed, tt.format, tt.compressed)
			}
			if m.Faces() != tt.faces || m.Dropped != tt.dropped || m.Degenerate != tt.degenerate {
				t.Errorf("got %d faces, %d dropped, %d degenerate; want %d, %d, %d",
					m.Faces(), m.Dropped, m.Degenerate, tt.faces, tt.dropped, tt.degenerate)
			}
			var names []string
			for _, s := range m.Solids {
				names = append(names, s.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.solids, "|") {
				t.Errorf("got solids %q, want %q", names, tt.solids)
			}
			if m.Header != tt.header {
				t.Errorf("got header %q, want %q", m.Header, tt.header)
			}
		})
	}
}

// TestDecodeTwins checks that a mesh decodes to the same faces whatever the
// encoding: ASCII with any line ending, binary with any header, gzip.
func TestDecodeTwins(t *testing.T) {
	want := testCube()
	for _, file := range []string{"ascii.stl", "ascii_crlf.stl", "ascii_cr.stl", "ascii_no_endsolid.stl",
		"binary.stl", "binary_solid_header.stl", "binary_trailing_bytes.stl", "ascii.stl.gz", "binary.stl.gz"} {
		t.Run(file, func(t *testing.T) {
			data := readTestdata(t, file)
			m, err := Decode(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			sameFaces(t, m, want)
			if m.Bounds != want.Bounds {
				t.Errorf("got bounds %v, want %v", m.Bounds, want.Bounds)
			}
		})
	}
}

// sameFaces checks that got and want hold the same faces and normals.
func sameFaces(t *testing.T, got, want *Mesh) {
	t.Helper()
	if got.Faces() != want.Faces() {
		t.Fatalf("got %d faces, want %d", got.Faces(), want.Faces())
	}
	for f := range want.Faces() {
		a, b, c := got.Face(f)
		x, y, z := want.Face(f)
		if a != x || b != y || c != z {
			t.Fatalf("face %d: got %v %v %v, want %v %v %v", f, a, b, c, x, y, z)
		}
		if got.Normal(f).Sub(want.Normal(f)).Len() > 1e-6 {
			t.Fatalf("face %d: got normal %v, want %v", f, got.Normal(f), want.Normal(f))
		}
	}
}

// TestDecodeErrors decodes every bad file of testdata/ and checks the
// sentinel and the position the error names.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		file    string
		max     int64 // Decoder.MaxSize
		want    error
		line    int
		offset  int64
		message string // a part of the message
	}{
		{file: "bad_empty.stl", want: ErrEmpty, offset: 0},
		{file: "bad_whitespace.stl", want: ErrEmpty, offset: 0},
		{file: "bad_text.stl", want: ErrNotSTL, offset: 0, message: `starts with "hello, this is`},
		{file: "bad_short_binary.stl", want: ErrNotSTL, offset: 0, message: "48 bytes"},
		{file: "bad_truncated.stl", want: ErrTruncated, offset: 354, message: "claims 12 triangles (684 bytes) but the file holds 5"},
		{file: "bad_count_4billion.stl", want: ErrTruncated, offset: 1024, message: "claims 4294967295 triangles"},
		{file: "bad_vertex.stl", want: ErrSyntax, line: 5, offset: -1, message: `"zero" is not a number`},
		{file: "bad_nul_in_vertex.stl", want: ErrSyntax, line: 5, offset: -1, message: `"\x10" is not a number`},
		{file: "bad_four_vertices.stl", want: ErrSyntax, line: 7, offset: -1, message: "fourth vertex"},
		{file: "bad_two_vertices.stl", want: ErrSyntax, line: 6, offset: -1, message: "has 2 vertices, want 3"},
		{file: "bad_two_coordinates.stl", want: ErrSyntax, line: 4, offset: -1, message: "2 coordinates, want 3"},
		{file: "bad_keyword.stl", want: ErrSyntax, line: 8, offset: -1, message: `unexpected "bogus"`},
		{file: "bad_open_facet.stl", want: ErrTruncated, line: 2, offset: -1, message: "ends inside this facet"},
		{file: "bad_vertex_outside.stl", want: ErrSyntax, line: 2, offset: -1, message: "outside a facet"},
		{file: "bad_facet_in_facet.stl", want: ErrSyntax, line: 5, offset: -1, message: "no \"endfacet\""},
		{file: "bad_endsolid_in_facet.stl", want: ErrSyntax, line: 5, offset: -1, message: "no \"endfacet\""},
		{file: "bad_truncated.stl.gz", want: ErrTruncated, line: 1, offset: 9, message: "gzip stream ends early"},
		{file: "bad_gzip_in_gzip.stl.gz", want: ErrNotSTL, offset: 0, message: "gzip inside gzip"},
		{file: "bad_bomb.stl.gz", max: 1 << 20, want: ErrTooLarge, offset: 1 << 20, message: "more than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			d := Decoder{Path: "testdata/" + tt.file, MaxSize: tt.max}
			m, err := d.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
			if err == nil {
				t.Fatalf("got %d faces, want error %v", m.Faces(), tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want an error wrapping %v", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T, want *ParseError", err)
			}
			if pe.Path != d.Path || pe.Line != tt.line || pe.Offset != tt.offset {
				t.Errorf("got path %q line %d offset %d, want %q %d %d", pe.Path, pe.Line, pe.Offset, d.Path, tt.line, tt.offset)
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.HasPrefix(err.Error(), "stl: testdata/") {
				t.Errorf("got message %q, want it to name the file and contain %q", err, tt.message)
			}
		})
	}
}

// allocBytes returns the bytes fn allocates on the heap. It reads
// runtime/metrics, which unlike runtime.ReadMemStats does not stop the
// world: inside a fuzz worker, stopping the world stalled for seconds.
func allocBytes(fn func()) int64 {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	fn()
	metrics.Read(sample)
	return int64(sample[0].Value.Uint64() - before)
}

// TestColors decodes both colour conventions and checks every face.
func TestColors(t *testing.T) {
	want := paletteCube().Colors
	for _, tt := range []struct {
		file string
		none Color // what faces without a colour of their own get
	}{
		{"color_materialise.stl", Color{200, 100, 50, 255}},
		{"color_viscam.stl", Color{}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			m, err := Decode(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Colors) != m.Faces() {
				t.Fatalf("got %d colours for %d faces", len(m.Colors), m.Faces())
			}
			for f, c := range want {
				w := Color{expand5(pack5(c.R)), expand5(pack5(c.G)), expand5(pack5(c.B)), 255}
				if c.A == 0 {
					w = tt.none
				}
				if m.Colors[f] != w {
					t.Errorf("face %d: got %v, want %v", f, m.Colors[f], w)
				}
			}
		})
	}
}

// TestColorConventions pins the bit layout of each convention: the two put
// red and blue at opposite ends of the 15 bits.
func TestColorConventions(t *testing.T) {
	tests := []struct {
		name   string
		header string
		attr   uint16
		want   Color
	}{
		{"viscam blue", "", 0x8000 | 0x001f, Color{0, 0, 255, 255}},
		{"viscam red", "", 0x8000 | 0x7c00, Color{255, 0, 0, 255}},
		{"viscam green", "", 0x8000 | 0x03e0, Color{0, 255, 0, 255}},
		{"viscam invalid", "", 0x7fff, Color{}},
		{"blender spaces are no colour", "", 0x2020, Color{}},
		{"materialise red", "COLOR=\x01\x02\x03\xff", 0x001f, Color{255, 0, 0, 255}},
		{"materialise blue", "COLOR=\x01\x02\x03\xff", 0x7c00, Color{0, 0, 255, 255}},
		{"materialise default", "COLOR=\x01\x02\x03\xff", 0x8000, Color{1, 2, 3, 255}},
		{"materialise material", "x MATERIAL=\x09\x08\x07\xff", 0xffff, Color{9, 8, 7, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := make([]byte, headerSize)
			copy(header, tt.header)
			cd := newColorDecoder(header)
			var rec [2 * recordSize]byte // face 1 has the attribute word under test
			binary.LittleEndian.PutUint16(rec[recordSize+48:], tt.attr)
			got := make([]Color, 2)
			any := cd.chunk(rec[:], got)
			if got[1] != tt.want || any != (tt.want.A != 0) {
				t.Errorf("got %v (any colour: %v), want %v", got[1], any, tt.want)
			}
		})
	}
}

// TestDecodeUnknownSize decodes streams whose size is not given.
func TestDecodeUnknownSize(t *testing.T) {
	for _, file := range []string{"ascii.stl", "binary_trailing_bytes.stl", "binary.stl.gz"} {
		t.Run(file, func(t *testing.T) {
			data := readTestdata(t, file)
			m, err := Decode(iotest.OneByteReader(bytes.NewReader(data)), -1)
			if err != nil {
				t.Fatal(err)
			}
			sameFaces(t, m, testCube())
		})
	}
	t.Run("over MaxSize", func(t *testing.T) {
		data := readTestdata(t, "ascii_solids.stl") // 6 kB, more than the first read
		_, err := Decoder{MaxSize: 5000}.Decode(context.Background(), bytes.NewReader(data), -1)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	})
}

// TestDecodeShrunkFile gives a size larger than the data, as when a file
// shrinks after it was measured.
func TestDecodeShrunkFile(t *testing.T) {
	data := readTestdata(t, "binary.stl")
	_, err := Decode(bytes.NewReader(data[:500]), int64(len(data)))
	var pe *ParseError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &pe) || pe.Offset != 500 {
		t.Errorf("got %v, want ErrTruncated at byte 500", err)
	}
}

// TestDecodeReadError passes a reader's failure through.
func TestDecodeReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	data := readTestdata(t, "binary.stl")
	_, err := Decoder{Path: "x.stl"}.Decode(context.Background(), io.MultiReader(bytes.NewReader(data[:300]), iotest.ErrReader(boom)), int64(len(data)))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "x.stl") {
		t.Errorf("got %v, want the read error naming x.stl", err)
	}
}

// slowReader yields data a little at a time, slowly, so a test can cancel
// a decode half way.
type slowReader struct {
	r     io.Reader
	delay time.Duration
}

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.delay)
	return s.r.Read(p[:min(len(p), 64<<10)])
}

// TestDecodeCancel cancels decodes before and during the work.
func TestDecodeCancel(t *testing.T) {
	var bin, ascii bytes.Buffer
	big := Torus(3, 1, 400, 100) // 80,000 faces: 4 MB binary, 20 MB ASCII
	if err := EncodeBinary(&bin, big, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := EncodeASCII(&ascii, big); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{{"binary", bin.Bytes()}, {"ascii", ascii.Bytes()}} {
		t.Run(tt.name+"/before", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := Decoder{}.Decode(ctx, bytes.NewReader(tt.data), int64(len(tt.data)))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want context.Canceled", err)
			}
		})
		t.Run(tt.name+"/during", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			r := slowReader{bytes.NewReader(tt.data), time.Millisecond}
			done := make(chan error)
			go func() {
				_, err := Decoder{}.Decode(ctx, r, int64(len(tt.data)))
				done <- err
			}()
			time.Sleep(20 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("got %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("decode did not stop after cancel")
			}
		})
	}
}
