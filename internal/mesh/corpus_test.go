package mesh

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusDir holds real STL files from other projects' test suites, beside
// the project root; it is not part of the repository.
const corpusDir = "../../../shared/corpus"

// TestCorpus decodes every file of the shared corpus and checks the result
// that EXPECT.tsv names: "tris=N" or "error".
func TestCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "EXPECT.tsv"))
	if err != nil {
		t.Skipf("shared corpus not available (%v): skipping the real-world files", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // column names
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		rel, expect := cols[0], cols[1]
		n++
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(corpusDir, rel)
			m, err := ReadFile(path)
			if expect == "error" {
				if err == nil {
					t.Fatalf("got %d triangles, want an error", m.Faces())
				}
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Path != path {
					t.Errorf("error %q is not a *ParseError naming the file", err)
				}
				t.Logf("error as expected: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			want, err := strconv.Atoi(strings.TrimPrefix(expect, "tris="))
			if err != nil {
				t.Fatalf("bad EXPECT entry %q", expect)
			}
			if got := m.Faces(); got != want {
				t.Errorf("got %d triangles, want %d", got, want)
			}
			checkMesh(t, m)
			// Welded while decoding, within a budget: the same faces, and
			// exactly the mesh's bytes left reserved.
			b := newTestBudget(1 << 30)
			x, err := Decoder{Indexed: true, Workers: 2, Budget: b}.ReadFile(context.Background(), path)
			b.check(t, x, err)
			if err != nil {
				t.Fatalf("indexed: %v", err)
			}
			checkMesh(t, x)
			sameFaces(t, x, m)
		})
	}
	if n < 100 {
		t.Errorf("EXPECT.tsv lists %d files, want the whole corpus", n)
	}
}

// checkMesh checks the invariants every decoded mesh keeps.
func checkMesh(t *testing.T, m *Mesh) {
	t.Helper()
	faces := m.Faces()
	if m.Indices == nil && len(m.Positions) != 9*faces {
		t.Errorf("soup has %d floats for %d faces", len(m.Positions), faces)
	}
	if m.Colors != nil && len(m.Colors) != faces {
		t.Errorf("%d colours for %d faces", len(m.Colors), faces)
	}
	if m.FacesRead != faces+m.Dropped {
		t.Errorf("read %d faces, kept %d, dropped %d", m.FacesRead, faces, m.Dropped)
	}
	next := 0
	for _, s := range m.Solids {
		if s.First != next || s.Count < 0 {
			t.Errorf("solid %q covers faces %d+%d, want to start at %d", s.Name, s.First, s.Count, next)
		}
		next = s.First + s.Count
	}
	if next != faces {
		t.Errorf("solids cover %d faces, want %d", next, faces)
	}
	for f := range faces {
		a, b, c := m.Face(f)
		for _, p := range [3][3]float32{a, b, c} {
			for i := range 3 {
				if p[i] < m.Bounds.Min[i] || p[i] > m.Bounds.Max[i] {
					t.Fatalf("face %d vertex %v outside bounds %v", f, p, m.Bounds)
				}
			}
		}
		n := m.Normal(f)
		if l := n.Len(); l != 0 && (l < 0.999 || l > 1.001) {
			t.Fatalf("face %d normal %v has length %v", f, n, l)
		}
	}
}
