package mesh

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

var facetLines = []string{"facet normal 0 0 1", "outer loop", "vertex 0 0 0", "vertex 1 0 0", "vertex 0 1 0", "endloop", "endfacet"}

var facetText = strings.Join(facetLines, " ")

// TestASCIIWords decodes small files that test the word rules: what ends a
// name or junk, and where errors are.
func TestASCIIWords(t *testing.T) {
	facets := func(n int, sep string) string {
		return strings.Repeat(strings.Join(facetLines, sep)+sep, n)
	}
	long := strings.Repeat("é", 200) // 400 bytes: cut inside a character
	tests := []struct {
		name   string
		text   string
		faces  int
		solids string // names and counts, as "name:count|..."
		err    error
		line   int
	}{
		{name: "one line", text: "solid x " + facets(3, " ") + "endsolid x", faces: 3, solids: "x:3"},
		{name: "tabs", text: "solid\tx\t" + facets(2, "\t") + "endsolid", faces: 2, solids: "x:2"},
		{name: "inner white space kept", text: "solid  a \t b  \n" + facets(1, "\n"), faces: 1, solids: "a \t b:1"},
		{name: "facet in a name", text: "solid Facet Model\n" + facets(1, "\n") + "endsolid Facet Model\n", faces: 1, solids: "Facet Model:1"},
		{name: "facet facet normal", text: "solid x facet " + facets(1, " "), faces: 1, solids: "x facet:1"},
		{name: "keywords in a name", text: "solid outer vertex shell\n" + facets(1, " "), faces: 1, solids: "outer vertex shell:1"},
		{name: "empty solid on one line", text: "solid a endsolid a solid b " + facets(1, " ") + "endsolid b", faces: 1, solids: "b:1"},
		{name: "solids on one line", text: "solid a " + facets(2, " ") + "endsolid a solid b " + facets(1, " ") + "endsolid b", faces: 3, solids: "a:2|b:1"},
		{name: "endsolid Solid Body", text: "solid Solid Body\n" + facets(1, "\n") + "endsolid Solid Body\n", faces: 1, solids: "Solid Body:1"},
		{name: "empty solids replaced", text: strings.Repeat("solid e\nendsolid e\n", 5) + "solid f\n" + facets(1, "\n"), faces: 1, solids: "f:1"},
		{name: "empty solid last", text: "solid f\n" + facets(1, "\n") + "solid g\nendsolid g\n", faces: 1, solids: "f:1|g:0"},
		{name: "faces before a solid", text: facets(2, "\n") + "solid late\n" + facets(1, "\n"), faces: 3, solids: ":2|late:1"},
		{name: "long name cut", text: "solid " + long + "\n" + facets(1, " "), faces: 1, solids: strings.Repeat("é", 128) + ":1"},
		{name: "coordinates across lines", text: "solid\nfacet normal 0 0 1\nouter loop\nvertex 0\n0\n0\nvertex 1 0 0 vertex 0 1 0\nendloop endfacet\n", faces: 1, solids: ":1"},
		{name: "junk after keywords", text: "solid x\nfacet normal 0 0 1 junk\nouter loop more\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop 1 2\nendfacet 42\nendsolid x y z\n", faces: 1, solids: "x:1"},
		{name: "a word on each line", text: "solid x\nfacet\nnormal\n0\n0\n1\nouter\nloop\nvertex\n0\n0\n0\nvertex\n1\n0\n0\nvertex\n0\n1\n0\nendloop\nendfacet\nendsolid\n", faces: 1, solids: "x:1"},
		{name: "any white space between words", text: "solid x\vfacet\fnormal\r0 0 1\r\nouter\t\nloop\n\nvertex 0 0 0 vertex 1 0 0 vertex 0 1 0\nendloop\nendfacet\n", faces: 1, solids: "x:1"},
		{name: "keyword ends junk", text: "solid x\nfacet normal 0 0 1 outer loop vertex 0 0 0 vertex 1 0 0 vertex 0 1 0 endloop endfacet\n", faces: 1, solids: "x:1"},
		{name: "NaN face dropped", text: "solid x\n" + strings.Replace(facets(2, " "), "vertex 0 0 0", "vertex nan 0 0", 1), faces: 1, solids: "x:1"},
		{name: "bad coordinate", text: "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0\nq\n", err: ErrSyntax, line: 5},
		{name: "two coordinates", text: "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0\nvertex 0 0 0\n", err: ErrSyntax, line: 4},
		{name: "vertex cut by the end", text: "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0", err: ErrSyntax, line: 4},
		{name: "facet left open", text: "solid x\n" + facets(1, "\n") + "facet normal 0 0 1\n", err: ErrTruncated, line: 9},
		{name: "unknown keyword on one line", text: "solid x " + facets(1, " ") + "facet normal 0 0 1 outer loop vertex 0 0 0 bogus", err: ErrSyntax, line: 1},
		{name: "huge word", text: "solid x\n" + facets(1, "\n") + strings.Repeat("w", 3*maxToken) + "\n", err: ErrSyntax, line: 9},
		{name: "huge coordinate", text: "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 " + strings.Repeat("1", 2*maxToken), err: ErrSyntax, line: 4},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 3 * maxToken, 2*maxToken + 13} {
			for _, workers := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/chunk=%d/workers=%d", tt.name, chunk, workers), func(t *testing.T) {
					text := tt.text
					if chunk > 0 {
						// Pad so that the text is cut into several chunks.
						text = strings.Replace(text, "solid", "solid"+strings.Repeat(" ", chunk), 1)
					}
					d := Decoder{Workers: workers, textChunk: chunk}
					m, err := d.Decode(context.Background(), strings.NewReader(text), int64(len(text)))
					if tt.err != nil {
						var pe *ParseError
						if !errors.Is(err, tt.err) || !errors.As(err, &pe) || pe.Line != tt.line {
							t.Fatalf("got %v, want %v at line %d", err, tt.err, tt.line)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					checkMesh(t, m)
					var got []string
					for _, s := range m.Solids {
						got = append(got, fmt.Sprintf("%s:%d", s.Name, s.Count))
					}
					if m.Faces() != tt.faces || strings.Join(got, "|") != tt.solids {
						t.Errorf("got %d faces, solids %q; want %d, %q", m.Faces(), strings.Join(got, "|"), tt.faces, tt.solids)
					}
				})
			}
		}
	}
}

// TestASCIIWithoutLineBreaks decodes files whose words are separated by
// spaces or tabs only, as some exporters write them.
func TestASCIIWithoutLineBreaks(t *testing.T) {
	for _, file := range []string{"ascii.stl", "ascii_solids.stl", "ascii_hand.stl"} {
		want, err := Decode(bytes.NewReader(readTestdata(t, file)), -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, sep := range []string{" ", "\t", "  \t "} {
			data := readTestdata(t, file)
			for _, br := range []string{"\r\n", "\n", "\r"} {
				data = bytes.ReplaceAll(data, []byte(br), []byte(sep))
			}
			t.Run(fmt.Sprintf("%s/%q", file, sep), func(t *testing.T) {
				m, err := Decode(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				sameFaces(t, m, want)
				if fmt.Sprint(m.Solids) != fmt.Sprint(want.Solids) {
					t.Errorf("got solids %v, want %v", m.Solids, want.Solids)
				}
			})
		}
	}
	// A big one, cut into many chunks.
	var buf bytes.Buffer
	torus := Torus(3, 1, 100, 40)
	torus.Solids[0].Name = "torus"
	if err := EncodeASCII(&buf, torus); err != nil {
		t.Fatal(err)
	}
	data := bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte(" "))
	for _, workers := range []int{1, 2, 5} {
		m, err := Decoder{Workers: workers, textChunk: 3 * maxToken}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
		if err != nil || m.Faces() != torus.Faces() || m.Solids[0].Name != "torus" {
			t.Fatalf("workers=%d: got %v, %v; want %d faces of torus", workers, m, err, torus.Faces())
		}
	}
}

// TestDecodeTruncated gives sizes larger than the data, as a file that
// shrank or a body shorter than its Content-Length does, and checks that
// the error says where the data ended.
func TestDecodeTruncated(t *testing.T) {
	var ascii, bin bytes.Buffer
	m := Torus(3, 1, 5, 3) // 30 faces
	if err := EncodeASCII(&ascii, m); err != nil {
		t.Fatal(err)
	}
	if err := EncodeBinary(&bin, m, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	fifth := 0 // after 5 facets
	for range 5 {
		fifth += bytes.Index(ascii.Bytes()[fifth:], []byte("endfacet\n")) + len("endfacet\n")
	}
	tests := []struct {
		name   string
		data   []byte
		size   int
		line   int
		offset int64
	}{
		{name: "ascii after 5 of 30 facets", data: ascii.Bytes()[:fifth], size: ascii.Len(), line: 7*5 + 2, offset: int64(fifth)},
		{name: "ascii inside a facet", data: ascii.Bytes()[:fifth+50], size: ascii.Len(), line: -1, offset: int64(fifth + 50)},
		{name: "ascii inside a number", data: ascii.Bytes()[:fifth+75], size: ascii.Len(), line: -1, offset: int64(fifth + 75)},
		{name: "ascii within the first bytes", data: ascii.Bytes()[:3], size: ascii.Len(), offset: 3},
		{name: "binary", data: bin.Bytes()[:500], size: bin.Len(), offset: 500},
		{name: "binary header", data: bin.Bytes()[:60], size: bin.Len(), offset: 60},
		{name: "nothing", data: nil, size: bin.Len(), offset: 0},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				if tt.line < 0 {
					tt.line = bytes.Count(tt.data, []byte("\n")) + 1
				}
				r := io.MultiReader(bytes.NewReader(tt.data[:len(tt.data)/2]), bytes.NewReader(tt.data[len(tt.data)/2:]))
				_, err := Decoder{Workers: workers}.Decode(context.Background(), r, int64(tt.size))
				var pe *ParseError
				if !errors.Is(err, ErrTruncated) || !errors.As(err, &pe) || pe.Line != tt.line || pe.Offset != tt.offset {
					t.Errorf("got %v (%+v), want ErrTruncated at line %d, byte %d", err, pe, tt.line, tt.offset)
				}
			})
		}
	}
}

// repeater yields s repeated until n bytes.
type repeater struct {
	s   string
	off int
	n   int64
}

func (r *repeater) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && int64(k) < r.n {
		c := copy(p[k:min(len(p), k+int(r.n)-k)], r.s[r.off:])
		r.off = (r.off + c) % len(r.s)
		k += c
	}
	r.n -= int64(k)
	return k, nil
}

// junk returns a reader of head, body repeated up to n bytes, and tail,
// and its size.
func junk(head, body string, n int64, tail string) (io.Reader, int64) {
	return io.MultiReader(strings.NewReader(head), &repeater{s: body, n: n}, strings.NewReader(tail)), int64(len(head)) + n + int64(len(tail))
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestJunkCostsAConstant decodes big inputs that yield no face, or few,
// generated as they are read, and checks that they cost a few megabytes
// however large they are.
func TestJunkCostsAConstant(t *testing.T) {
	zeros := gzipBytes(t, make([]byte, 4<<20)) // 4 kB
	gzipZeros := bytes.Repeat(zeros, 2500)     // 10 MB of gzip, 10 GB inflated
	counted := make([]byte, 4<<20)
	binary.LittleEndian.PutUint32(counted[headerSize:], 1000)
	gzipCounted := append(gzipBytes(t, counted), gzipZeros...)
	spaces := gzipBytes(t, append([]byte("solid x\n"), bytes.Repeat([]byte(" "), 4<<20)...))
	gzipSpaces := append(spaces, bytes.Repeat(gzipBytes(t, bytes.Repeat([]byte(" "), 4<<20)), 100)...)
	claim := make([]byte, countEnd+100*recordSize)
	binary.LittleEndian.PutUint32(claim[headerSize:], 40_000_000)
	nan := strings.Replace(facetText, "vertex 0 0 0", "vertex nan 0 0", 1) + "\n"

	const mb = 1 << 20
	big := int64(64 * mb) // streamed, never held
	if raceEnabled {
		big = 4 * mb
	}
	tests := []struct {
		name    string
		input   func() (io.Reader, int64)
		d       Decoder
		want    error
		faces   int
		dropped int
		solids  int
		read    int64 // the most input read, if not 0
	}{
		{name: "millions of empty solids", input: func() (io.Reader, int64) { return junk("", "solid x\n", big/2, "") }, solids: 1},
		{name: "a name without white space", input: func() (io.Reader, int64) { return junk("solid ", "a", big, "\nendsolid\n") }, solids: 1},
		{name: "a name of words", input: func() (io.Reader, int64) { return junk("solid ", "ab ", big, "\n"+facetText) }, solids: 1, faces: 1},
		{name: "words after endsolid", input: func() (io.Reader, int64) { return junk("solid x\nendsolid ", "xyz ", big, "\n") }, solids: 1},
		{name: "line breaks", input: func() (io.Reader, int64) { return junk("solid x\n", "\r\n", big, "") }, solids: 1},
		{name: "100,000 facets of NaN", input: func() (io.Reader, int64) { return junk("solid x\n", nan, int64(100_000*len(nan)), "") }, solids: 1, dropped: 100_000},
		{name: "a stream of empty solids", input: func() (io.Reader, int64) { r, _ := junk("", "solid x\n", big/2, ""); return r, -1 }, solids: 1},
		{name: "gzip of 10 GB of zeros", input: func() (io.Reader, int64) { return bytes.NewReader(gzipZeros), int64(len(gzipZeros)) }, solids: 1, read: 1 * mb},
		{name: "gzip of 1000 faces then zeros", input: func() (io.Reader, int64) { return bytes.NewReader(gzipCounted), int64(len(gzipCounted)) }, solids: 1, faces: 1000, read: 1 * mb},
		{name: "gzip of spaces", input: func() (io.Reader, int64) { return bytes.NewReader(gzipSpaces), int64(len(gzipSpaces)) }, d: Decoder{MaxSize: 64 * mb}, want: ErrTooLarge},
		{name: "a stream claiming 40 million faces", input: func() (io.Reader, int64) { return bytes.NewReader(claim), -1 }, want: ErrTruncated},
		{name: "a stream claiming 40 million faces, indexed", input: func() (io.Reader, int64) { return bytes.NewReader(claim), -1 }, d: Decoder{Indexed: true}, want: ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Mesh
			var err error
			r, size := tt.input()
			cr := &countingReader{r: r}
			alloc := allocBytes(func() { m, err = tt.d.Decode(context.Background(), cr, size) })
			if !errors.Is(err, tt.want) || (err == nil && tt.want != nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err == nil && (m.Faces() != tt.faces || m.Dropped != tt.dropped || len(m.Solids) != tt.solids) {
				t.Errorf("got %d faces, %d dropped, %d solids; want %d, %d, %d", m.Faces(), m.Dropped, len(m.Solids), tt.faces, tt.dropped, tt.solids)
			}
			if err == nil && len(m.Solids[0].Name) > maxName {
				t.Errorf("got a name of %d bytes", len(m.Solids[0].Name))
			}
			if alloc > 16*mb {
				t.Errorf("allocated %d MB", alloc/mb)
			}
			if tt.read > 0 && cr.n > tt.read {
				t.Errorf("read %d bytes of input, want at most %d", cr.n, tt.read)
			}
			t.Logf("allocated %.2f MB, read %.1f MB", float64(alloc)/mb, float64(cr.n)/mb)
		})
	}
}

// TestGzip decodes gzip streams as gzip(1) reads them.
func TestGzip(t *testing.T) {
	ascii, bin := readTestdata(t, "ascii.stl"), readTestdata(t, "binary.stl")
	half := len(ascii) / 2
	tests := []struct {
		name  string
		data  []byte
		want  error
		faces int
	}{
		{name: "NUL padding", data: append(gzipBytes(t, ascii), make([]byte, 10000)...), faces: 12},
		{name: "NUL padding after a binary file", data: append(gzipBytes(t, bin), make([]byte, 512)...), faces: 12},
		{name: "concatenated members", data: append(gzipBytes(t, ascii[:half]), gzipBytes(t, ascii[half:])...), faces: 12},
		{name: "members and padding", data: append(append(gzipBytes(t, ascii[:half]), gzipBytes(t, ascii[half:])...), 0, 0, 0), faces: 12},
		{name: "an empty member", data: append(gzipBytes(t, nil), gzipBytes(t, ascii)...), faces: 12},
		{name: "gzip inside gzip", data: gzipBytes(t, gzipBytes(t, ascii)), want: ErrNotSTL},
		{name: "trailing garbage", data: append(gzipBytes(t, ascii), "garbage"...), want: ErrNotSTL},
		{name: "a member after padding", data: append(append(gzipBytes(t, ascii[:half]), 0, 0), gzipBytes(t, ascii[half:])...), want: ErrNotSTL},
		{name: "corrupt", data: func() []byte { b := gzipBytes(t, ascii); b[len(b)/2] ^= 0xff; return b }(), want: ErrNotSTL},
		{name: "cut", data: gzipBytes(t, ascii)[:100], want: ErrTruncated},
	}
	for _, tt := range tests {
		for _, size := range []int64{int64(len(tt.data)), -1} {
			t.Run(fmt.Sprintf("%s/size=%d", tt.name, size), func(t *testing.T) {
				m, err := Decode(bytes.NewReader(tt.data), size)
				if !errors.Is(err, tt.want) || (tt.want != nil && err == nil) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				if err == nil && (m.Faces() != tt.faces || !m.Compressed) {
					t.Errorf("got %d faces, compressed %v; want %d, true", m.Faces(), m.Compressed, tt.faces)
				}
				if err == nil {
					h, err := DecodeHeader(bytes.NewReader(tt.data), size)
					if err != nil || !h.Compressed || h.Format != m.Format {
						t.Errorf("DecodeHeader: got %+v, %v", h, err)
					}
				}
			})
		}
	}
}

// TestFacesDropped checks binary files whose non-finite faces fall in
// several segments and parts.
func TestFacesDropped(t *testing.T) {
	m := Torus(3, 1, 50, 20) // 2,000 faces
	var b bytes.Buffer
	if err := EncodeBinary(&b, m, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	bad := []int{0, 1, 7, 999, 1000, 1500, 1999}
	for _, f := range bad {
		binary.LittleEndian.PutUint32(data[countEnd+recordSize*f+12+4*(f%9):], math.Float32bits(float32(math.Inf(1))))
	}
	for _, d := range []Decoder{{Workers: 1}, {Workers: 3, segment: 64}, {Workers: 2, segment: 1000, Indexed: true}, {Workers: 4, segment: 7, Indexed: true}} {
		for _, size := range []int64{int64(len(data)), -1} {
			got, err := d.Decode(context.Background(), bytes.NewReader(data), size)
			if err != nil {
				t.Fatal(err)
			}
			checkMesh(t, got)
			if got.Faces() != 2000-len(bad) || got.Dropped != len(bad) || got.Solids[0].Count != got.Faces() {
				t.Fatalf("%+v size %d: got %d faces, %d dropped", d, size, got.Faces(), got.Dropped)
			}
			f := 0
			for g := range 2000 {
				if contains(bad, g) {
					continue
				}
				a, _, _ := got.Face(f)
				x, _, _ := m.Face(g)
				if a != x {
					t.Fatalf("%+v: face %d is not face %d", d, f, g)
				}
				f++
			}
		}
	}
}
