package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/shapes"
)

// BenchmarkThumbnail makes a 256-pixel thumbnail of a 20k-face part (1 MB)
// and of a 2M-face one (100 MB), in process: the whole of --thumbnail but
// the program's start.
func BenchmarkThumbnail(b *testing.B) {
	dir := b.TempDir()
	for _, faces := range []int{20_000, 2_000_000} {
		in := filepath.Join(dir, fmt.Sprintf("knot%d.stl", faces))
		f, err := os.Create(in)
		if err != nil {
			b.Fatal(err)
		}
		if err := mesh.EncodeBinary(f, shapes.Knot(faces), mesh.BinaryOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		fi, _ := os.Stat(in)
		b.Run(fmt.Sprintf("%dk", faces/1000), func(b *testing.B) {
			out := filepath.Join(dir, "out.png")
			cfg, err := parseFlags([]string{"--thumbnail", "256", in, out}, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			for b.Loop() {
				if code := runThumbnail(cfg, io.Discard); code != exitOK {
					b.Fatal("thumbnail failed")
				}
			}
		})
	}
}
