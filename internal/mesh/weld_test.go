package mesh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIndexedDecode decodes with Indexed set and checks that the result is
// exactly that of Indexed on the soup: the same vertex numbers, however
// many workers, segments and chunks, for every kind of input.
func TestIndexedDecode(t *testing.T) {
	big := Torus(3, 1, 300, 100) // 60,000 faces: several segments of 2^14 corners
	colored := Merge(Torus(3, 1, 30, 20), paletteCube())
	var bin, ascii, colorBin bytes.Buffer
	if err := EncodeBinary(&bin, big, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := EncodeASCII(&ascii, Torus(3, 1, 100, 40)); err != nil { // 8,000 faces, 2 MB
		t.Fatal(err)
	}
	if err := EncodeBinary(&colorBin, colored, BinaryOptions{Colors: VisCAM}); err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{
		"binary":       bin.Bytes(),
		"ascii":        ascii.Bytes(),
		"colors":       colorBin.Bytes(),
		"binary.gz":    gzipBytes(t, bin.Bytes()),
		"ascii.gz":     gzipBytes(t, ascii.Bytes()),
		"cube":         readTestdata(t, "binary.stl"),
		"solids":       readTestdata(t, "ascii_solids.stl"),
		"degenerate":   readTestdata(t, "ascii_degenerate.stl"),
		"empty binary": make([]byte, countEnd),
		"empty ascii":  []byte("solid nothing\nendsolid nothing\n"),
		"random corner": func() []byte {
			var b bytes.Buffer
			EncodeBinary(&b, randomSoup(20000), BinaryOptions{})
			return b.Bytes()
		}(),
	}
	for name, data := range inputs {
		soup, err := Decode(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		want := soup.IndexedWorkers(1)
		decoders := []Decoder{{Workers: 1}, {Workers: 2}, {Workers: 5}, {Workers: 3, segment: 999, textChunk: 3 * maxToken}, {Workers: 2, segment: 333}}
		if raceEnabled {
			decoders = decoders[1:4] // the race detector's run stays short
		}
		for _, d := range decoders {
			for _, size := range []int64{int64(len(data)), -1} {
				t.Run(fmt.Sprintf("%s/workers=%d/segment=%d/size=%d", name, d.Workers, d.segment, size), func(t *testing.T) {
					d.Indexed = true
					got, err := d.Decode(context.Background(), bytes.NewReader(data), size)
					if err != nil {
						t.Fatal(err)
					}
					checkMesh(t, got)
					if got.Indices == nil {
						t.Fatal("got no indices")
					}
					if !slices.Equal(got.Positions, want.Positions) || !slices.Equal(got.Indices, want.Indices) {
						t.Fatalf("got %d vertices, %d indices, not those of Indexed (%d, %d)", got.Vertices(), len(got.Indices), want.Vertices(), len(want.Indices))
					}
					if !slices.Equal(got.Normals, want.Normals) || !slices.Equal(got.Colors, want.Colors) ||
						fmt.Sprint(got.Solids) != fmt.Sprint(want.Solids) || got.Bounds != want.Bounds ||
						got.Degenerate != want.Degenerate || got.FacesRead != want.FacesRead || got.Compressed != want.Compressed {
						t.Errorf("got normals, colours, solids, bounds or counts other than the soup's")
					}
				})
			}
		}
	}
}

// TestIndexedDropped decodes files with non-finite faces: the faces kept
// are those of the soup, whose weld may number them otherwise.
func TestIndexedDropped(t *testing.T) {
	data := readTestdata(t, "binary_nonfinite.stl")
	soup, err := Decode(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		got, err := Decoder{Workers: workers, Indexed: true}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		checkMesh(t, got)
		sameFaces(t, got, soup)
		if got.Dropped != 3 || got.Vertices() != 8 {
			t.Errorf("got %d dropped, %d vertices; want 3, 8", got.Dropped, got.Vertices())
		}
	}
}

// TestWeldEscapes makes the local vertex numbers overflow their bits, as a
// hash flooded with one shard's keys would, and checks the numbering.
func TestWeldEscapes(t *testing.T) {
	m := randomSoup(3000)
	_, want := weld(m.Positions, 1)
	for _, workers := range []int{1, 3} {
		w := newWelder(len(m.Positions)/3, workers, true)
		w.localBits, w.escape = 4, 15 // 15 numbers a shard, then escapes
		idx := make([]uint32, len(m.Positions)/3)
		for lo := 0; lo < 3000; lo += 500 {
			parts := w.begin(1500)
			p := m.Positions[9*lo : 9*(lo+500)]
			parallelRanges(500, parts, func(part, f0, f1 int) { w.partition(part, p[9*f0:9*f1], 3*f0, nil) })
			w.weldSegment(idx[3*lo : 3*(lo+500)])
		}
		if _, err := w.finish(idx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(idx, want) {
			t.Errorf("workers=%d: got numbers other than the weld's", workers)
		}
	}
}

// TestStage records the stages a decode reports.
func TestStage(t *testing.T) {
	bin, ascii := readTestdata(t, "binary.stl"), readTestdata(t, "ascii.stl")
	tests := []struct {
		name string
		data []byte
		d    Decoder
		want string
	}{
		{"binary", bin, Decoder{}, "reading"},
		{"binary indexed", bin, Decoder{Indexed: true}, "reading welding"},
		{"ascii indexed", ascii, Decoder{Indexed: true, Workers: 2}, "reading welding"},
		{"gzip indexed", readTestdata(t, "binary.stl.gz"), Decoder{Indexed: true}, "reading welding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			tt.d.Stage = func(s Stage) { got = append(got, s.String()) } // on the decoding goroutine: no lock
			if _, err := tt.d.Decode(context.Background(), bytes.NewReader(tt.data), int64(len(tt.data))); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got stages %q, want %q", got, tt.want)
			}
		})
	}
}

// panicReader panics once it has yielded n bytes.
type panicReader struct {
	r io.Reader
	n int
}

func (p *panicReader) Read(b []byte) (int, error) {
	if p.n <= 0 {
		panic("reader on fire")
	}
	k, err := p.r.Read(b[:min(len(b), p.n)])
	p.n -= k
	return k, err
}

// TestPanicIsolation makes a goroutine of the decoder panic and checks
// that the panic reaches the caller's goroutine, where recover catches it.
func TestPanicIsolation(t *testing.T) {
	big := Torus(3, 1, 200, 100) // 40,000 faces
	var bin, ascii bytes.Buffer
	if err := EncodeBinary(&bin, big, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := EncodeASCII(&ascii, big); err != nil { // 10 MB: several chunks
		t.Fatal(err)
	}
	decode := func(d Decoder, data []byte) func() {
		return func() { d.Decode(context.Background(), bytes.NewReader(data), int64(len(data))) }
	}
	tests := []struct {
		name    string
		run     func()
		hook    bool   // panic in the hook every goroutine calls first
		message string // what the recovered value says
	}{
		{"binary", decode(Decoder{Workers: 2}, bin.Bytes()), true, "boom"},
		{"binary indexed", decode(Decoder{Workers: 2, Indexed: true}, bin.Bytes()), true, "boom"},
		{"ascii", decode(Decoder{Workers: 2}, ascii.Bytes()), true, "boom"},
		{"ascii indexed", decode(Decoder{Workers: 2, Indexed: true}, ascii.Bytes()), true, "boom"},
		{"IndexedWorkers", func() { big.IndexedWorkers(2) }, true, "boom"},
		{"FromTriangles", func() { FromTriangles(slices.Clone(big.Positions)) }, true, "boom"},
		{"reader of the helper", func() {
			Decoder{Workers: 2}.Decode(context.Background(), &panicReader{bytes.NewReader(bin.Bytes()), 100_000}, int64(bin.Len()))
		}, false, "reader on fire"},
	}
	before := runtime.NumGoroutine()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.hook {
				boom := func() { panic("boom") }
				goroutineHook.Store(&boom)
				defer goroutineHook.Store(nil)
			}
			v := recovered(tt.run)
			gp, ok := v.(*GoroutinePanic)
			if !ok {
				t.Fatalf("recovered %T %v, want a *GoroutinePanic", v, v)
			}
			if fmt.Sprint(gp.Value) != tt.message || len(gp.Stack) == 0 || !strings.Contains(gp.Error(), tt.message) {
				t.Errorf("got %q with a stack of %d bytes, want %q and a stack", gp.Value, len(gp.Stack), tt.message)
			}
		})
	}
	// The helpers ended: none is left blocked.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left, %d before", n, before)
	}
	// With one worker, the decoder starts no goroutine: the panic is the
	// reader's own, on the caller's goroutine.
	v := recovered(func() {
		Decoder{Workers: 1}.Decode(context.Background(), &panicReader{bytes.NewReader(bin.Bytes()), 100_000}, int64(bin.Len()))
	})
	if v != "reader on fire" {
		t.Errorf("Workers 1: recovered %v, want the reader's panic", v)
	}
}

// recovered runs fn and returns what it panicked with, or nil.
func recovered(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// TestGoroutinePanicUnwrap finds a runtime error through the panic.
func TestGoroutinePanicUnwrap(t *testing.T) {
	v := recovered(func() {
		parallel(2, func(i int) {
			var s []int
			_ = s[i+5]
		})
	})
	var re runtime.Error
	if gp, ok := v.(*GoroutinePanic); !ok || !errors.As(gp, &re) {
		t.Errorf("recovered %v, want a *GoroutinePanic wrapping a runtime.Error", v)
	}
}
