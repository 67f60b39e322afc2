package assets

import (
	"bytes"
	"io/fs"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
)

// TestSamplesDecode checks that every bundled sample is a valid STL file.
func TestSamplesDecode(t *testing.T) {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 5 {
		t.Fatalf("got %d samples, want at least 5", len(entries))
	}
	for _, e := range entries {
		data, err := fs.ReadFile(FS, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m, err := mesh.Decoder{Path: e.Name()}.Decode(t.Context(), bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if m.Faces() == 0 || m.Degenerate != 0 || m.Dropped != 0 {
			t.Errorf("%s: %d faces, %d degenerate, %d dropped", e.Name(), m.Faces(), m.Degenerate, m.Dropped)
		}
	}
}
