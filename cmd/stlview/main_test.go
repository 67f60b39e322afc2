package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/explain"
	"github.com/stlview/stlview/internal/stltest"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// binDir holds the stlview binary that the subprocess tests build once.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// stlviewBinary builds the command once per test run and returns its
// path. Tests that must see the real process (no DISPLAY, a window) use
// it; the others call run in the test's own process.
func stlviewBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("no go command to build stlview with: %v", err)
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "stlview-test-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "stlview")
		out, err := exec.Command(gobin, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// runBinary runs the built stlview with args and env (nil: no variable
// at all) and returns its exit code, stdout and stderr.
func runBinary(t *testing.T, timeout time.Duration, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, stlviewBinary(t), args...)
	cmd.Env = env
	if env == nil {
		cmd.Env = []string{}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("stlview %s did not end within %v\nstderr:\n%s", strings.Join(args, " "), timeout, errb.String())
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("stlview %s: %v", strings.Join(args, " "), err)
		}
	}
	checkMessages(t, errb.String(), out.String())
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// envWithout returns the environment without the named variables.
func envWithout(names ...string) []string {
	var env []string
outer:
	for _, kv := range os.Environ() {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue outer
			}
		}
		env = append(env, kv)
	}
	return env
}

// runCmd calls run with args and returns the exit code and both outputs.
// Every message it prints is held to explain.Plain: no test reaches an
// error path whose sentence shows the program's insides.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	checkMessages(t, errb.String(), out.String())
	return code, out.String(), errb.String()
}

// checkMessages holds the lines of standard error, and the "error" fields
// of JSON lines on standard output, to explain.Plain.
func checkMessages(t *testing.T, stderr, stdout string) {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "Usage:") || strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "      --") {
			continue // the help
		}
		if err := explain.Plain(strings.TrimPrefix(line, "stlview: ")); err != nil {
			t.Errorf("standard error: %v", err)
		}
	}
	for _, line := range strings.Split(stdout, "\n") {
		var rec struct{ Error string }
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &rec) == nil {
			if err := explain.Plain(rec.Error); err != nil {
				t.Errorf("JSON error: %v", err)
			}
		}
	}
}

// The test meshes. A torus around z with R = 10, r = 2: 2·24·12 faces,
// x and y in ±12, z in ±2.
const torusFaces = 2 * 24 * 12

func torus() *mesh.Mesh { return mesh.Torus(10, 2, 24, 12) }

// badVertexSTL is an ASCII file whose line 5 holds a coordinate that is
// not a number.
const badVertexSTL = `solid bad
 facet normal 0 0 1
  outer loop
   vertex 0 0 0
   vertex 1 zz 0
   vertex 0 1 0
  endloop
 endfacet
endsolid bad
`

// goodAndBroken writes a binary torus, an ASCII torus and the three
// broken files into dir and returns their paths by name.
func goodAndBroken(t *testing.T, dir string) map[string]string {
	bin := stltest.Encode(t, torus(), false)
	return map[string]string{
		"binary":    stltest.WriteFile(t, dir, "torus_bin.stl", bin),
		"ascii":     stltest.WriteFile(t, dir, "torus_ascii.stl", stltest.Encode(t, torus(), true)),
		"empty":     stltest.WriteFile(t, dir, "empty.stl", nil),
		"truncated": stltest.WriteFile(t, dir, "truncated.stl", bin[:len(bin)-20]),
		"badvertex": stltest.WriteFile(t, dir, "badvertex.stl", []byte(badVertexSTL)),
	}
}

// readPNG decodes the PNG at path.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

// centre returns the colour at the middle of img.
func centre(img image.Image) color.RGBA {
	b := img.Bounds()
	return rgba(img.At((b.Min.X+b.Max.X)/2, (b.Min.Y+b.Max.Y)/2))
}

// differing returns the fraction of pixels that differ between a and b,
// which must have the same bounds.
func differing(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("pictures of %v and %v", a.Bounds(), b.Bounds())
	}
	n, r := 0, a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgba(a.At(x, y)) != rgba(b.At(x, y)) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// lShape is an L-shaped part (two boxes) that looks different from every
// side, for tests of --view and --up.
func lShape() *mesh.Mesh {
	return mesh.Merge(
		mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{30, 10, 5}),
		mesh.Cuboid(mgl32.Vec3{0, 0, 5}, mgl32.Vec3{5, 10, 20}),
	)
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCmd(t, "--version")
	if code != exitOK || out != "stlview "+version+"\n" || errOut != "" {
		t.Errorf("--version: got exit %d, stdout %q, stderr %q; want 0, %q, nothing", code, out, errOut, "stlview "+version+"\n")
	}
}
