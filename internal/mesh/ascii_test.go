package mesh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestParseFloat checks that the fast path gives exactly what strconv gives.
func TestParseFloat(t *testing.T) {
	tests := []string{
		"0", "-0", "+0", "0.0", "-0.000000e+00", "1", "-1", "3E+0", "1.5299001E+2", "2.000000e+0",
		"2.54044e-006", "1e+000", ".5", "5.", "+.5e1", "123456789012345", "1234567890123456789",
		"0.1", "0.3", "-7.071067811865476e-01", "9007199254740993", "1e22", "1e23", "1e-22", "1e-23",
		"4.9e-324", "1e-400", "1e400", "-1e400", "0x1.4p3", "inf", "-Inf", "+infinity", "NaN", "1_0",
		"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "--1", "1x", "0x", "\x10", "blah", "1e99999",
	}
	for _, s := range tests {
		t.Run(s, func(t *testing.T) {
			checkParseFloat(t, s)
		})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		v := math.Float64frombits(rng.Uint64())
		if math.IsNaN(v) {
			continue
		}
		for _, f := range []byte{'e', 'f', 'g'} {
			for _, prec := range []int{-1, 3, 6, 9, 17} {
				checkParseFloat(t, strconv.FormatFloat(v, f, prec, 64))
				checkParseFloat(t, strconv.FormatFloat(float64(float32(v)), f, prec, 32))
			}
		}
	}
}

func checkParseFloat(t *testing.T, s string) {
	t.Helper()
	want, err := strconv.ParseFloat(s, 64)
	wantOK := err == nil || errors.Is(err, strconv.ErrRange)
	got, ok := parseFloat([]byte(s))
	if ok != wantOK || (ok && math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want))) {
		t.Fatalf("parseFloat(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
	}
}

// TestDetect checks the binary/ASCII decision on the traps real files set.
func TestDetect(t *testing.T) {
	binaryFile := func(header string, faces, extra int) []byte {
		b := make([]byte, countEnd+recordSize*faces+extra)
		copy(b, header)
		b[headerSize] = byte(faces)
		for i := countEnd; i < len(b); i += 7 {
			b[i] = 0x80 // binary float bytes, with NULs between
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		want Format
		err  error
	}{
		{"ascii", []byte("solid x\nfacet normal 0 0 1\n"), ASCII, nil},
		{"ascii upper case", []byte("SOLID X\r\nFACET NORMAL 0 0 1\r\n"), ASCII, nil},
		{"ascii bom and blank lines", []byte("\xef\xbb\xbf\n\n  solid x\n  facet normal 0 0 1\n"), ASCII, nil},
		{"ascii tab after solid", []byte("solid\tname\n facet"), ASCII, nil},
		{"ascii empty solid", []byte("solid Empty\nendsolid Empty"), ASCII, nil},
		{"ascii only solid", []byte("solid"), ASCII, nil},
		{"ascii starting at facet", []byte("facet normal 0 0 1\n outer loop\n"), ASCII, nil},
		{"ascii with junk line", []byte("solid x\n garbage here\n"), ASCII, nil},
		{"binary", binaryFile("made by hand", 2, 0), Binary, nil},
		{"binary with solid header", binaryFile("solid trap", 2, 0), Binary, nil},
		{"binary with space then solid", binaryFile(" solid PRO2STL", 2, 0), Binary, nil},
		{"binary whose header is an ascii file", binaryFile("solid blah\nendsolid blah\n", 2, 0), Binary, nil},
		{"binary with solid header and trailing byte", binaryFile("solid trap\x00", 2, 1), Binary, nil},
		{"binary with newline in header and trailing bytes", binaryFile("solid trap\n", 2, 5), Binary, nil},
		{"binary zero faces", binaryFile("", 0, 0), Binary, nil},
		{"binary truncated", binaryFile("solid trap", 2, 0)[:countEnd+60], 0, ErrTruncated},
		{"empty", nil, 0, ErrEmpty},
		{"white space", []byte("\n\n  \t"), 0, ErrEmpty},
		{"text", []byte("ply\nformat ascii 1.0\n"), 0, ErrNotSTL},
		{"short binary", []byte{1, 2, 0, 0, 5}, 0, ErrNotSTL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := tt.data[:min(len(tt.data), prefixLen)]
			got, err := detect(prefix, int64(len(tt.data)))
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Errorf("got %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestASCIIChunks parses a file cut into many chunks and checks that the
// result and error line numbers do not depend on the cuts or the workers.
func TestASCIIChunks(t *testing.T) {
	var buf bytes.Buffer
	a, b := Torus(3, 1, 60, 50), Sphere(2, 40, 30) // 6,000 + 2,320 faces
	a.Solids[0].Name, b.Solids[0].Name = "torus", "sphere"
	if err := EncodeASCII(&buf, Merge(a, b)); err != nil {
		t.Fatal(err)
	}
	data := bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n")) // 2.2 MB
	one, err := Decoder{Workers: 1}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// Break a vertex near the end: the line must count every line before it.
	at := bytes.LastIndex(data, []byte("vertex"))
	bad := append(append(append([]byte{}, data[:at]...), "vertex x"...), data[at+len("vertex"):]...)
	wantLine := bytes.Count(bad[:at], []byte("\n")) + 1
	for _, chunk := range []int{0, 9000, 65536, 300000} {
		for _, workers := range []int{1, 2, 3, 8} {
			t.Run(fmt.Sprintf("chunk=%d/workers=%d", chunk, workers), func(t *testing.T) {
				d := Decoder{Workers: workers, textChunk: chunk}
				m, err := d.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				sameFaces(t, m, one)
				if fmt.Sprint(m.Solids) != fmt.Sprint(one.Solids) || m.Bounds != one.Bounds {
					t.Errorf("got solids %v bounds %v, want %v %v", m.Solids, m.Bounds, one.Solids, one.Bounds)
				}
				_, err = d.Decode(context.Background(), bytes.NewReader(bad), int64(len(bad)))
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line != wantLine || !errors.Is(err, ErrSyntax) {
					t.Errorf("got %v, want a syntax error at line %d", err, wantLine)
				}
			})
		}
	}
}

// TestEncodeRoundTrip encodes meshes and decodes them back.
func TestEncodeRoundTrip(t *testing.T) {
	m := Merge(Torus(3, 1, 30, 20), Cylinder(1, 4, 24))
	for _, tt := range []struct {
		name   string
		encode func(*bytes.Buffer) error
	}{
		{"binary", func(b *bytes.Buffer) error { return EncodeBinary(b, m, BinaryOptions{Header: "round trip"}) }},
		{"ascii", func(b *bytes.Buffer) error { return EncodeASCII(b, m) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.encode(&b); err != nil {
				t.Fatal(err)
			}
			got, err := Decode(&b, int64(b.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "binary" {
				sameFaces(t, got, m) // float32 bits survive binary exactly
				return
			}
			if got.Faces() != m.Faces() || got.Bounds.Size().Sub(m.Bounds.Size()).Len() > 1e-4 {
				t.Errorf("got %d faces in %v, want %d in %v", got.Faces(), got.Bounds, m.Faces(), m.Bounds)
			}
		})
	}
}

// TestDecodeHeader reads only the start of files.
func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		file string
		want Header
	}{
		{"ascii.stl", Header{Format: ASCII, Faces: -1, Name: "cube"}},
		{"ascii_hand.stl", Header{Format: ASCII, Faces: -1, Name: "Hand Made"}},
		{"binary.stl", Header{Format: Binary, Faces: 12, Name: "stlview testdata cube"}},
		{"binary_solid_header.stl", Header{Format: Binary, Faces: 12, Name: "solid cube (a binary file, despite this)"}},
		{"binary.stl.gz", Header{Format: Binary, Faces: 12, Name: "stlview testdata cube", Compressed: true}},
		{"ascii.stl.gz", Header{Format: ASCII, Faces: -1, Name: "cube", Compressed: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			got, err := DecodeHeader(bytes.NewReader(data), int64(len(data)))
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	data := readTestdata(t, "bad_count_4billion.stl")
	if _, err := DecodeHeader(bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrTruncated) {
		t.Errorf("4 billion faces in 1 kB: got %v, want ErrTruncated", err)
	}
}
