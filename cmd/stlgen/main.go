// Command stlgen writes generated STL files: inputs for benchmarks and
// tests, made at run time instead of being committed.
//
//	stlgen [-format binary|ascii] [-faces N] [-shape torus|sphere|knot|block] [-gzip] -o FILE
//
// The torus has about N faces, so
// "stlgen -faces 2000000 -o big.stl" writes a 100 MB binary file.
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/shapes"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stlgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("stlgen", flag.ContinueOnError)
	format := fs.String("format", "binary", "binary or ascii")
	faces := fs.Int("faces", 20000, "approximate number of faces")
	shape := fs.String("shape", "torus", "torus, sphere, knot (a torus knot tube) or block (a CAD part: flat faces, sharp edges)")
	compress := fs.Bool("gzip", false, "gzip the output")
	out := fs.String("o", "", "output file (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *faces < 2 {
		fs.Usage()
		return errors.New("need -o FILE and -faces >= 2")
	}
	m, err := generate(*shape, *faces)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if *compress {
		zw = gzip.NewWriter(f)
		w = zw
	}
	switch *format {
	case "binary":
		err = mesh.EncodeBinary(w, m, mesh.BinaryOptions{Header: "stlgen " + *shape})
	case "ascii":
		err = mesh.EncodeASCII(w, m)
	default:
		err = fmt.Errorf("unknown format %q", *format)
	}
	if zw != nil {
		err = errors.Join(err, zw.Close())
	}
	return errors.Join(err, f.Close())
}

// generate returns a shape with about faces faces, on a grid of nu×nv
// cells (two faces each) with nu about 4nv: 2,000,000 is 2000×500 exactly.
func generate(shape string, faces int) (*mesh.Mesh, error) {
	nu := max(4, int(math.Sqrt(2*float64(faces))+0.5))
	nv := max(3, faces/(2*nu))
	switch shape {
	case "torus":
		return mesh.Torus(30, 10, nu, nv), nil
	case "sphere":
		return mesh.Sphere(20, nu, nv+1), nil
	case "knot":
		return shapes.Knot(faces), nil
	case "block":
		return shapes.Block(faces), nil
	}
	return nil, fmt.Errorf("unknown shape %q", shape)
}
