package mesh

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// Benchmark inputs are generated at run time, once per process, and kept in
// memory or in a temporary directory: nothing big is committed.

var (
	torusOnce  sync.Map // faces -> *Mesh
	encodeOnce sync.Map // key -> []byte
)

// benchTorus returns a torus with exactly faces faces (faces/2 must factor
// as nu·nv with nu = 4nv for the sizes used here).
func benchTorus(faces int) *Mesh {
	if m, ok := torusOnce.Load(faces); ok {
		return m.(*Mesh)
	}
	nv := 1
	for 2*(4*nv)*nv < faces {
		nv++
	}
	nu := faces / (2 * nv)
	m := Torus(30, 10, nu, nv)
	torusOnce.Store(faces, m)
	return m
}

// benchFile returns the encoded bytes of a faces-face torus in the format.
func benchFile(b *testing.B, format Format, faces int) []byte {
	key := fmt.Sprint(format, faces)
	if data, ok := encodeOnce.Load(key); ok {
		return data.([]byte)
	}
	var buf bytes.Buffer
	m := benchTorus(faces)
	var err error
	if format == Binary {
		err = EncodeBinary(&buf, m, BinaryOptions{Header: "benchmark torus"})
	} else {
		err = EncodeASCII(&buf, m)
	}
	if err != nil {
		b.Fatal(err)
	}
	encodeOnce.Store(key, buf.Bytes())
	return buf.Bytes()
}

// BenchmarkDecodeBinary decodes binary files from memory, in parallel chunks.
func BenchmarkDecodeBinary(b *testing.B) {
	for _, faces := range []int{20_000, 2_000_000} {
		b.Run(strconv.Itoa(faces), func(b *testing.B) {
			data := benchFile(b, Binary, faces)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadFileBinary decodes a 100 MB binary file from the page cache,
// as "stlview --info" does.
func BenchmarkReadFileBinary(b *testing.B) {
	data := benchFile(b, Binary, 2_000_000)
	path := filepath.Join(b.TempDir(), "big.stl")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeASCII decodes ASCII files (about 250 bytes a facet).
func BenchmarkDecodeASCII(b *testing.B) {
	for _, faces := range []int{20_000, 200_000} {
		b.Run(strconv.Itoa(faces), func(b *testing.B) {
			data := benchFile(b, ASCII, faces)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeWorkers shows how one big file's decode scales.
func BenchmarkDecodeWorkers(b *testing.B) {
	data := benchFile(b, Binary, 2_000_000)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (Decoder{Workers: w}).Decode(context.Background(), bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndexed welds the corners of a soup into an indexed mesh.
func BenchmarkIndexed(b *testing.B) {
	for _, faces := range []int{20_000, 2_000_000} {
		b.Run(strconv.Itoa(faces), func(b *testing.B) {
			m := benchTorus(faces)
			b.SetBytes(int64(4 * len(m.Positions)))
			b.ReportAllocs()
			for b.Loop() {
				m.Indexed()
			}
		})
	}
}

// BenchmarkParseFloat parses the number forms exporters write.
func BenchmarkParseFloat(b *testing.B) {
	inputs := [][]byte{[]byte("-1.234567e+01"), []byte("0.000000e+00"), []byte("152.99001"), []byte("3")}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			if _, ok := parseFloat(in); !ok {
				b.Fatal("not a number")
			}
		}
	}
}
