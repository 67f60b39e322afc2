package mesh

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-gl/mathgl/mgl32"
)

// The files in testdata/ are made by the generators below, never by hand or
// by other projects: "go test -run TestTestdata -update" rewrites them, and
// TestTestdata fails when they drift from the generators.
var update = flag.Bool("update", false, "rewrite testdata/ from the generators")

// testCube is the 10×20×30 box most test files hold: 12 faces.
func testCube() *Mesh { return Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 20, 30}) }

// paletteCube is testCube with a colour on every face but the last two,
// which have none (A = 0).
func paletteCube() *Mesh {
	m := testCube()
	m.Colors = make([]Color, m.Faces())
	for f := range m.Faces() - 2 {
		m.Colors[f] = Color{R: uint8(248 - 16*f), G: uint8(8 * f), B: uint8(40 + 8*f), A: 255}
	}
	return m
}

// handASCII is an ASCII file written the way real exporters misbehave: a
// byte-order mark, blank lines, upper and mixed case, tabs, junk after
// keywords and in the normal, and every float form strconv accepts.
const handASCII = "\xef\xbb\xbf\n  \n" +
	"SOLID\tHand Made  \n" +
	"FACET NORMAL 0 0 junk\n" +
	"\tOUTER LOOP\n" +
	"\t\tVERTEX 0 0 0\n" +
	"\t\tVertex 1E1 +0. -0\n" +
	"\t\tvertex .0 0x1.4p3 0e-3\n" +
	"\tENDLOOP trailing words\n" +
	"ENDFACET 42\n" +
	"  facet normal nan inf -inf\n" +
	"    outer loop\n" +
	"      vertex 10 0 0    \n" +
	"      vertex 10 10 0\n" +
	"      vertex 0 10 1.5e-0\n" +
	"    endloop\n" +
	"  endfacet\n" +
	"EndSolid Hand Made and more\n"

// brokenASCII returns a one-facet ASCII file whose facet body is body.
func brokenASCII(body string) []byte {
	return []byte("solid broken\n facet normal 0 0 1\n  outer loop\n" + body + " endfacet\nendsolid broken\n")
}

const threeVertices = "   vertex 0 0 0\n   vertex 1 0 0\n   vertex 0 1 0\n  endloop\n"

// testdataFiles returns every file of testdata/ by name.
func testdataFiles(t testing.TB) map[string][]byte {
	enc := func(m *Mesh, ascii bool, opt BinaryOptions) []byte {
		var b bytes.Buffer
		var err error
		if ascii {
			err = EncodeASCII(&b, m)
		} else {
			err = EncodeBinary(&b, m, opt)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	gz := func(data []byte) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b) // no name, no time: the bytes are stable
		zw.Write(data)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	cube := testCube()
	cube.Solids[0].Name = "cube"
	ascii := enc(cube, true, BinaryOptions{})
	bin := enc(cube, false, BinaryOptions{Header: "stlview testdata cube"})

	first, second := testCube(), testCube().Transform(mgl32.Translate3D(20, 0, 0))
	first.Solids[0].Name, second.Solids[0].Name = "first", "second"
	twoSolids := Merge(first, second)
	twoSolids.Solids = append(twoSolids.Solids, Solid{Name: "empty", First: 24})

	// Faces 3, 4 and 7 get a NaN or an infinity; they must be dropped.
	bad := enc(testCube(), false, BinaryOptions{Header: "non-finite faces"})
	for f, v := range map[int]float32{3: float32(math.NaN()), 4: float32(math.Inf(1)), 7: float32(math.Inf(-1))} {
		binary.LittleEndian.PutUint32(bad[countEnd+recordSize*f+12+4*(f%9):], math.Float32bits(v))
	}

	files := map[string][]byte{
		"ascii.stl":                 ascii,
		"ascii_crlf.stl":            bytes.ReplaceAll(ascii, []byte("\n"), []byte("\r\n")),
		"ascii_cr.stl":              bytes.ReplaceAll(ascii, []byte("\n"), []byte("\r")),
		"ascii_hand.stl":            []byte(handASCII),
		"ascii_solids.stl":          enc(twoSolids, true, BinaryOptions{}),
		"ascii_no_endsolid.stl":     bytes.TrimSuffix(ascii, []byte("endsolid cube\n")),
		"ascii_degenerate.stl":      brokenASCII("   vertex 0 0 0\n   vertex 1 1 1\n   vertex 2 2 2\n  endloop\n"),
		"binary.stl":                bin,
		"binary_solid_header.stl":   enc(cube, false, BinaryOptions{Header: "solid cube (a binary file, despite this)"}),
		"binary_trailing_bytes.stl": append(enc(cube, false, BinaryOptions{Header: "solid cube, then 3 stray bytes"}), 'x', 'y', '\n'),
		"binary_nonfinite.stl":      bad,
		"color_materialise.stl":     enc(paletteCube(), false, BinaryOptions{Header: "materialise ", Colors: Materialise, Default: Color{200, 100, 50, 255}}),
		"color_viscam.stl":          enc(paletteCube(), false, BinaryOptions{Header: "viscam", Colors: VisCAM}),
		"ascii.stl.gz":              gz(ascii),
		"binary.stl.gz":             gz(bin),

		"bad_empty.stl":             {},
		"bad_whitespace.stl":        []byte(" \r\n\t\n"),
		"bad_text.stl":              []byte("hello, this is a text file and not a mesh\n"),
		"bad_short_binary.stl":      bytes.Repeat([]byte{0, 1, 2, 0xff}, 12),
		"bad_truncated.stl":         bin[:countEnd+recordSize*5+20],
		"bad_count_4billion.stl":    append(append(make([]byte, headerSize), 0xff, 0xff, 0xff, 0xff), make([]byte, 940)...),
		"bad_vertex.stl":            brokenASCII("   vertex 0 0 0\n   vertex 1 zero 0\n   vertex 0 1 0\n  endloop\n"),
		"bad_four_vertices.stl":     brokenASCII("   vertex 0 0 0\n   vertex 1 0 0\n   vertex 0 1 0\n   vertex 1 1 0\n  endloop\n"),
		"bad_two_vertices.stl":      brokenASCII("   vertex 0 0 0\n   vertex 1 0 0\n  endloop\n"),
		"bad_two_coordinates.stl":   brokenASCII("   vertex 0 0\n   vertex 1 0 0\n   vertex 0 1 0\n  endloop\n"),
		"bad_keyword.stl":           brokenASCII(threeVertices + "  bogus line\n"),
		"bad_open_facet.stl":        []byte("solid open\n facet normal 0 0 1\n  outer loop\n" + threeVertices),
		"bad_vertex_outside.stl":    []byte("solid stray\n   vertex 0 0 0\nendsolid stray\n"),
		"bad_truncated.stl.gz":      gz(ascii)[:60],
		"bad_bomb.stl.gz":           gz(append([]byte("solid bomb\n"), bytes.Repeat([]byte{' '}, 4<<20)...)),
		"bad_gzip_in_gzip.stl.gz":   gz(gz(ascii)),
		"bad_nul_in_vertex.stl":     brokenASCII("   vertex 0 0 0\n   vertex 1 \x10 0\n   vertex 0 1 0\n  endloop\n"),
		"bad_facet_in_facet.stl":    brokenASCII("   vertex 0 0 0\n facet normal 0 0 1\n" + threeVertices),
		"bad_endsolid_in_facet.stl": []byte("solid s\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\nendsolid s\n"),
	}
	return files
}

// TestTestdata checks that testdata/ holds exactly what the generators make.
func TestTestdata(t *testing.T) {
	files := testdataFiles(t)
	if *update {
		os.RemoveAll("testdata")
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() == "fuzz" {
			continue // inputs a fuzz target failed on, kept by go test
		}
		names = append(names, e.Name())
		got, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if want, ok := files[e.Name()]; !ok {
			t.Errorf("testdata/%s is not made by a generator", e.Name())
		} else if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from its generator; run go test -run TestTestdata -update", e.Name())
		}
	}
	for name := range files {
		if !slices.Contains(names, name) {
			t.Errorf("testdata/%s is missing; run go test -run TestTestdata -update", name)
		}
	}
}

// readTestdata returns the bytes of testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
