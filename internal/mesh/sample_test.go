package mesh

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/go-gl/mathgl/mgl32"
)

// encodeBinary returns m as a binary STL.
func encodeBinary(t *testing.T, m *Mesh) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := EncodeBinary(&b, m, BinaryOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSampleBinary(t *testing.T) {
	torus := Torus(10, 3, 200, 100) // 40,000 faces
	data := encodeBinary(t, torus)
	r := bytes.NewReader(data)
	for _, want := range []int{1000, 6400, 39999, 40000, 100000} {
		s, err := SampleBinary(r, int64(len(data)), want)
		if err != nil {
			t.Fatalf("%d faces: %v", want, err)
		}
		got := s.Faces()
		if w := min(want, 40000); got != w {
			t.Errorf("asked for %d faces: got %d, want %d", want, got, w)
		}
		if s.FacesRead != 40000 || s.Format != Binary {
			t.Errorf("FacesRead %d, format %v; want the file's 40000, binary", s.FacesRead, s.Format)
		}
		// The whole shape: the sample's bounds are the torus's, nearly.
		for k := range 3 {
			for _, d := range []float32{s.Bounds.Min[k] - torus.Bounds.Min[k], s.Bounds.Max[k] - torus.Bounds.Max[k]} {
				if math.Abs(float64(d)) > 1 { // 4% of the size: a rough shape
					t.Errorf("%d faces: bounds %v, want about %v", want, s.Bounds, torus.Bounds)
				}
			}
		}
		// Every sampled face is a face of the file.
		faces := map[[9]float32]bool{}
		for f := range torus.Faces() {
			a, b, c := torus.Face(f)
			faces[[9]float32{a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]}] = true
		}
		seen := map[[9]float32]bool{}
		for f := range s.Faces() {
			a, b, c := s.Face(f)
			k := [9]float32{a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]}
			if !faces[k] {
				t.Fatalf("%d faces: face %d is not in the file", want, f)
			}
			if seen[k] {
				t.Fatalf("%d faces: face %d read twice", want, f)
			}
			seen[k] = true
		}
	}
}

func TestSampleBinaryRefuses(t *testing.T) {
	cube := encodeBinary(t, Cuboid(mgl32.Vec3{}, mgl32.Vec3{1, 1, 1}))
	badCount := bytes.Clone(cube)
	binary.LittleEndian.PutUint32(badCount[80:], 1<<30)
	trailing := append(bytes.Clone(cube), 0, 0, 0)
	for name, data := range map[string][]byte{
		"ASCII":          []byte("solid x\nendsolid x\n"),
		"empty":          nil,
		"short":          cube[:50],
		"a huge count":   badCount,
		"trailing bytes": trailing,
	} {
		if _, err := SampleBinary(bytes.NewReader(data), int64(len(data)), 100); !errors.Is(err, ErrNotSampled) {
			t.Errorf("%s: got %v, want ErrNotSampled", name, err)
		}
	}
	if _, err := SampleBinary(bytes.NewReader(cube), int64(len(cube)), 0); !errors.Is(err, ErrNotSampled) {
		t.Errorf("0 faces asked for: got %v, want ErrNotSampled", err)
	}
	// A face with NaN is left out.
	nan := bytes.Clone(cube)
	binary.LittleEndian.PutUint32(nan[84+12:], math.Float32bits(float32(math.NaN())))
	s, err := SampleBinary(bytes.NewReader(nan), int64(len(nan)), 100)
	if err != nil || s.Faces() != 11 {
		t.Errorf("a NaN face: got %v faces, %v; want 11", s.Faces(), err)
	}
}

// FuzzSampleBinary: any bytes give a sample or an error, never a panic or
// an allocation beyond what was asked for.
func FuzzSampleBinary(f *testing.F) {
	f.Add(encodeBinary(&testing.T{}, Cuboid(mgl32.Vec3{}, mgl32.Vec3{1, 1, 1})), 5)
	f.Add([]byte("solid\n"), 10)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		n = n % 5000
		s, err := SampleBinary(bytes.NewReader(data), int64(len(data)), n)
		if err == nil && s.Faces() > n {
			t.Fatalf("asked for %d faces, got %d", n, s.Faces())
		}
	})
}

func BenchmarkSampleBinary(b *testing.B) {
	m := Torus(10, 3, 1000, 500) // 1M faces, 50 MB
	var buf bytes.Buffer
	if err := EncodeBinary(&buf, m, BinaryOptions{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	r := bytes.NewReader(data)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SampleBinary(r, int64(len(data)), 250_000); err != nil {
			b.Fatal(err)
		}
	}
}
