// Package stltest helps the tests of the packages that load STL files: it
// writes generated meshes into test folders, and it holds a loader's work
// at a chosen file so a test can arrange the queue behind it. Only tests
// import it.
package stltest

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/mesh"
)

// Encode returns m as ASCII or binary STL.
func Encode(t testing.TB, m *mesh.Mesh, ascii bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if ascii {
		err = mesh.EncodeASCII(&b, m)
	} else {
		err = mesh.EncodeBinary(&b, m, mesh.BinaryOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Gzip returns data compressed with gzip.
func Gzip(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// WriteFile writes data to name (slash-separated) under dir, making
// folders, and returns the path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteMesh writes m as binary STL to name under dir and returns the path.
func WriteMesh(t testing.TB, dir, name string, m *mesh.Mesh) string {
	t.Helper()
	return WriteFile(t, dir, name, Encode(t, m, false))
}

// Torus returns the small torus the tests load: 2·8·nv faces, major
// radius 2, minor 0.5, around the z axis.
func Torus(nv int) *mesh.Mesh { return mesh.Torus(2, 0.5, 8, nv) }

// WriteTorus writes Torus(nv) as binary STL to name under dir and returns
// the path.
func WriteTorus(t testing.TB, dir, name string, nv int) string {
	t.Helper()
	return WriteMesh(t, dir, name, Torus(nv))
}

// Gate is a loader's Config.Process hook that records the order in which
// loads reach it and holds the load of one file until Release, keeping a
// worker busy while a test queues more behind it. Its methods are safe for
// concurrent use.
type Gate struct {
	hold    string        // base name of the file to hold
	held    chan struct{} // closed when that file first reaches Process
	release chan struct{} // closed by Release
	once    sync.Once     // closes held
	rel     sync.Once     // closes release

	mu    sync.Mutex // guards order
	order []string   // base names, in the order they reached Process
}

// NewGate returns a gate that holds the file whose base name is hold.
func NewGate(hold string) *Gate {
	return &Gate{hold: hold, held: make(chan struct{}), release: make(chan struct{})}
}

// Process records source and, for the held file, waits for Release or for
// the load to be cancelled.
func (g *Gate) Process(ctx context.Context, source string, m *mesh.Mesh) (*mesh.Mesh, error) {
	name := filepath.Base(source)
	g.mu.Lock()
	g.order = append(g.order, name)
	g.mu.Unlock()
	if name == g.hold {
		g.once.Do(func() { close(g.held) })
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return m, nil
}

// Release lets the held load, and any later one of the same file, go on.
func (g *Gate) Release() { g.rel.Do(func() { close(g.release) }) }

// Loaded returns the base names that reached Process, in order.
func (g *Gate) Loaded() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.order)
}

// WaitHeld waits until the held file has reached Process, failing the test
// after timeout.
func (g *Gate) WaitHeld(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(timeout):
		t.Fatalf("%s never reached Process", g.hold)
	}
}
