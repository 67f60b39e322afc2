package mesh

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testBudget is a Budget with a limit that counts what is reserved, and
// records a release of more than is held.
type testBudget struct {
	mu        sync.Mutex
	limit     int64
	used      int64 // bytes reserved and not released
	peak      int64
	overspent bool // Release gave back more than was reserved
	calls     int
}

func newTestBudget(limit int64) *testBudget { return &testBudget{limit: limit} }

func (b *testBudget) Reserve(ctx context.Context, n int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if n < 0 || b.used+n > b.limit {
		return &BudgetError{Need: n, Limit: b.limit, InUse: b.used, Source: "--cache-mb"}
	}
	b.used += n
	b.peak = max(b.peak, b.used)
	return nil
}

func (b *testBudget) Release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n < 0 || n > b.used {
		b.overspent = true
	}
	b.used -= n
}

// check fails t unless the budget holds exactly what m needs (nothing for
// a failed decode).
func (b *testBudget) check(t *testing.T, m *Mesh, err error) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	want := int64(0)
	if err == nil {
		want = m.SizeBytes()
	}
	if b.used != want || b.overspent {
		t.Errorf("budget holds %d bytes (released too much: %v) after %v; want %d", b.used, b.overspent, err, want)
	}
}

// budgetInputs returns every testdata file and some generated ones that
// take the decoders' other paths: many segments, streams whose count is
// believed only once enough arrived, colours found late, dropped faces.
func budgetInputs(t *testing.T) map[string][]byte {
	files := testdataFiles(t)
	torus := Torus(3, 1, 40, 30) // 2,400 faces
	var bin, ascii bytes.Buffer
	if err := EncodeBinary(&bin, torus, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := EncodeASCII(&ascii, torus); err != nil {
		t.Fatal(err)
	}
	late := paletteCube()
	late.Colors = append(make([]Color, 6), late.Colors[:6]...)
	var lateBin bytes.Buffer
	if err := EncodeBinary(&lateBin, Merge(torus, late), BinaryOptions{Colors: VisCAM}); err != nil {
		t.Fatal(err)
	}
	files["gen_torus.stl"] = bin.Bytes()
	files["gen_torus_ascii.stl"] = ascii.Bytes()
	files["gen_torus.stl.gz"] = gzipBytes(t, bin.Bytes())
	files["gen_late_colors.stl.gz"] = gzipBytes(t, lateBin.Bytes())
	files["gen_torus_ascii.stl.gz"] = gzipBytes(t, ascii.Bytes())
	return files
}

func gzipBytes(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBudgetBalances decodes every input with a budget, with every
// decoder setting, big enough and too small, and checks that exactly the
// mesh's bytes stay reserved after a success and nothing after a failure.
func TestBudgetBalances(t *testing.T) {
	for name, data := range budgetInputs(t) {
		for _, d := range []Decoder{
			{Workers: 1}, {Workers: 2, Indexed: true},
			{Workers: 2, segment: 100, textChunk: 9000}, {Workers: 3, Indexed: true, segment: 7, textChunk: 9000},
		} {
			for _, size := range []int64{int64(len(data)), -1} {
				t.Run(fmt.Sprintf("%s/workers=%d/indexed=%v/segment=%d/size=%d", name, d.Workers, d.Indexed, d.segment, size), func(t *testing.T) {
					var sizeBytes int64 // of the mesh decoded without a budget
					if m, err := d.Decode(context.Background(), bytes.NewReader(data), size); err == nil {
						sizeBytes = m.SizeBytes()
					}
					for _, limit := range []int64{1 << 40, sizeBytes + 1<<20, 1 << 10, 64 << 10, 1 << 20} {
						b := newTestBudget(limit)
						d := d
						d.Budget = b
						m, err := d.Decode(context.Background(), bytes.NewReader(data), size)
						b.check(t, m, err)
						if err != nil && errors.Is(err, ErrTooLarge) && !strings.HasPrefix(name, "bad_bomb") {
							var be *BudgetError
							if !errors.As(err, &be) {
								t.Errorf("limit %d: got %v, want a *BudgetError", limit, err)
							}
						}
						if limit == 1<<40 && err == nil && b.peak < m.SizeBytes() {
							t.Errorf("peak reservation %d is below the mesh's %d bytes", b.peak, m.SizeBytes())
						}
					}
				})
			}
		}
	}
}

// zeroReader yields zero bytes without end.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// fourBillion returns a reader of a binary file claiming 4 294 967 295
// triangles whose size (214 GB) agrees with the count, as a sparse file's
// does, and that size.
func fourBillion() (io.Reader, int64) {
	head := make([]byte, countEnd)
	binary.LittleEndian.PutUint32(head[headerSize:], 0xffffffff)
	return io.MultiReader(bytes.NewReader(head), zeroReader{}), countEnd + recordSize*0xffffffff
}

// TestBudgetMessages checks the errors of loads that cannot fit.
func TestBudgetMessages(t *testing.T) {
	var ascii bytes.Buffer
	if err := EncodeASCII(&ascii, Torus(3, 1, 100, 50)); err != nil { // 10,000 faces, 2.5 MB
		t.Fatal(err)
	}
	var bin bytes.Buffer
	if err := EncodeBinary(&bin, Torus(3, 1, 100, 50), BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		input   func() (io.Reader, int64)
		d       Decoder
		limit   int64
		message string // the whole message, or its start when prefix is set
		prefix  bool
	}{
		{
			name: "four billion triangles", input: fourBillion, d: Decoder{Path: "big.stl"}, limit: 2048 << 20,
			message: "stl: big.stl: needs 206 GB for 4 294 967 295 triangles; the memory budget is 2048 MB (--cache-mb)",
		},
		{
			name: "four billion triangles, indexed", input: fourBillion, d: Decoder{Path: "big.stl", Indexed: true}, limit: 2048 << 20,
			message: "stl: big.stl: needs more than 103 GB for 4 294 967 295 triangles; the memory budget is 2048 MB (--cache-mb)",
		},
		{
			name:  "binary",
			input: func() (io.Reader, int64) { return bytes.NewReader(bin.Bytes()), int64(bin.Len()) },
			d:     Decoder{Path: "torus.stl", Workers: 1},
			limit: 100 << 10,
			// The mesh's 480 kB and the decoder's buffers.
			message: "stl: torus.stl: needs 1.1 MB for 10 000 triangles; the memory budget is 0 MB (--cache-mb)",
		},
		{
			name:    "ascii",
			input:   func() (io.Reader, int64) { return bytes.NewReader(ascii.Bytes()), int64(ascii.Len()) },
			d:       Decoder{Path: "torus.stl", Workers: 1},
			limit:   3 << 20,
			message: "stl: torus.stl: needs more than ", prefix: true,
		},
		{
			name: "gzip stream claiming more than it holds",
			input: func() (io.Reader, int64) {
				z := gzipBytes(t, bin.Bytes())
				return bytes.NewReader(z), int64(len(z))
			},
			d:       Decoder{Path: "torus.stl.gz", segment: 100},
			limit:   200 << 10,
			message: "stl: torus.stl.gz: needs ", prefix: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBudget(tt.limit)
			tt.d.Budget = b
			r, size := tt.input()
			m, err := tt.d.Decode(context.Background(), r, size)
			b.check(t, m, err)
			var be *BudgetError
			var pe *ParseError
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &be) || !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError wrapping ErrTooLarge through a *BudgetError", err)
			}
			if got := err.Error(); (tt.prefix && !strings.HasPrefix(got, tt.message)) || (!tt.prefix && got != tt.message) {
				t.Errorf("got message\n\t%s\nwant\n\t%s", got, tt.message)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), "; the memory budget is ") {
				t.Errorf("message %q does not give the budget", err)
			}
		})
	}
}

// TestFourBillionAllocatesNothing checks that files claiming four billion
// triangles fail before anything is sized from the count: a small one
// (the count disagrees with the size), and a sparse one whose size agrees,
// with a budget of 2 GB.
func TestFourBillionAllocatesNothing(t *testing.T) {
	small := readTestdata(t, "bad_count_4billion.stl")
	tests := []struct {
		name  string
		input func() (io.Reader, int64)
		d     Decoder
		want  error
	}{
		{"small file", func() (io.Reader, int64) { return bytes.NewReader(small), int64(len(small)) }, Decoder{}, ErrTruncated},
		{"sparse file with a budget", fourBillion, Decoder{Budget: newTestBudget(2 << 30)}, ErrTooLarge},
		{"sparse file with a budget, indexed", fourBillion, Decoder{Budget: newTestBudget(2 << 30), Indexed: true}, ErrTooLarge},
		{"stream claiming them", func() (io.Reader, int64) { r, _ := fourBillion(); return r, -1 }, Decoder{}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(10, func() {
				r, size := tt.input()
				if _, err := tt.d.Decode(context.Background(), r, size); !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
			})
			var ms [2]int64
			for i := range ms {
				ms[i] = allocBytes(func() {
					r, size := tt.input()
					tt.d.Decode(context.Background(), r, size)
				})
			}
			if allocs > 40 || min(ms[0], ms[1]) > 64<<10 {
				t.Errorf("got %v allocations, %d bytes; want a few small ones", allocs, min(ms[0], ms[1]))
			}
		})
	}
	t.Run("sparse file on disk", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.stl")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		r, size := fourBillion()
		if _, err := io.CopyN(f, r, countEnd); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			f.Close()
			t.Skipf("no sparse file of %d bytes here: %v", size, err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		b := newTestBudget(2048 << 20)
		var m *Mesh
		alloc := allocBytes(func() { m, err = Decoder{Budget: b}.ReadFile(context.Background(), path) })
		b.check(t, m, err)
		if !errors.Is(err, ErrTooLarge) || alloc > 64<<10 {
			t.Errorf("got %v after allocating %d bytes; want ErrTooLarge, before allocating", err, alloc)
		}
	})
}
