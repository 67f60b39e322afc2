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

// BenchmarkScreenshot1M writes an 800x600 picture of a 1M-face part, in
// process: --screenshot but the program's start.
func BenchmarkScreenshot1M(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "torus1m.stl")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	if err := mesh.EncodeBinary(f, mesh.Torus(10, 3, 707, 707), mesh.BinaryOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	cfg, err := parseFlags([]string{"--screenshot", out, "--size", "800x600", in}, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
		if code := runPicture(cfg, io.Discard, io.Discard); code != exitOK {
			b.Fatal("screenshot failed")
		}
	}
}
