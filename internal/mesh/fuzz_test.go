package mesh

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder, seeded with every file
// of testdata/. It must never panic; it must return either an error that
// wraps a sentinel or a mesh that keeps its invariants; and what it
// allocates must stay in proportion to the input (MaxSize bounds gzip).
func FuzzDecode(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
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
		checkMesh(t, m)
		m.Indexed()
	})
}
