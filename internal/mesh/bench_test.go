package mesh

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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

// BenchmarkDecodeWeld decodes a binary file into an indexed mesh two ways:
// mode=soup decodes the triangle soup and then welds it (Decode, then
// IndexedWorkers), mode=indexed welds while decoding (Decoder.Indexed). It
// reports peak-MB, the most heap in use during one decode above what was
// in use before it (sampled; garbage not yet collected counts, as it
// does for the process). The 10-million-face file (500 MB, held in memory)
// runs only when named: -bench 'DecodeWeld/faces=10000000'.
func BenchmarkDecodeWeld(b *testing.B) {
	for _, faces := range []int{2_000_000, 10_000_000} {
		if faces > 2_000_000 && !strings.Contains(flag.Lookup("test.bench").Value.String(), strconv.Itoa(faces)) {
			continue
		}
		for _, mode := range []string{"soup", "indexed"} {
			b.Run(fmt.Sprintf("faces=%d/mode=%s", faces, mode), func(b *testing.B) {
				data := benchFile(b, Binary, faces)
				decode := func() *Mesh {
					if mode == "soup" {
						m, err := Decode(bytes.NewReader(data), int64(len(data)))
						if err != nil {
							b.Fatal(err)
						}
						return m.IndexedWorkers(0)
					}
					m, err := Decoder{Indexed: true}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
					if err != nil {
						b.Fatal(err)
					}
					return m
				}
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				var peak int64
				for b.Loop() {
					b.StopTimer()
					runtime.GC()
					stop := sampleHeap()
					b.StartTimer()
					m := decode()
					b.StopTimer()
					peak = max(peak, stop())
					if m.Vertices() == 0 {
						b.Fatal("no vertices")
					}
					b.StartTimer()
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			})
		}
	}
}

// sampleEvery is how often sampleHeap samples; a sampler that wakes more
// often makes the scheduler preempt the decoder's goroutines to run it.
var sampleEvery = 2 * time.Millisecond

// sampleHeap samples the bytes of heap objects (live or not yet swept,
// runtime.MemStats.HeapAlloc) until the function it returns is called, and
// that function returns their high-water mark above the first sample.
// It reads runtime/metrics, which does not stop the world.
func sampleHeap() func() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int64 {
		metrics.Read(sample)
		return int64(sample[0].Value.Uint64())
	}
	base := read()
	done := make(chan struct{})
	result := make(chan int64)
	go func() {
		peak := base
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				result <- max(peak, read()) - base
				return
			case <-tick.C:
				peak = max(peak, read())
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-result
	}
}
