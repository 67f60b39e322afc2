package main

import (
	"image"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/assets"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// sphereFile writes a sphere, whose picture covers the centre from every
// side, and returns its path.
func sphereFile(t *testing.T, dir string) string {
	return stltest.WriteFile(t, dir, "sphere.stl", stltest.Encode(t, mesh.Sphere(10, 24, 12), false))
}

// coverage returns the fraction of r's pixels in img that are not bg.
func coverage(img image.Image, r image.Rectangle, bg color.RGBA) float64 {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgba(img.At(x, y)) != bg {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// checkPicture checks that path is a PNG of size whose background is bg
// at the corners and that shows a mesh (a torus may leave the very centre
// empty).
func checkPicture(t *testing.T, path string, size image.Point, bg color.RGBA) image.Image {
	t.Helper()
	img := readPNG(t, path)
	if got := img.Bounds().Size(); got != size {
		t.Fatalf("%s: got %v, want %v", filepath.Base(path), got, size)
	}
	if got := rgba(img.At(1, 1)); got != bg {
		t.Errorf("%s: corner is %v, want the background %v", filepath.Base(path), got, bg)
	}
	if cov := coverage(img, img.Bounds(), bg); cov < 0.05 {
		t.Errorf("%s: %.1f%% of pixels are not the background, want a mesh", filepath.Base(path), 100*cov)
	}
	return img
}

func TestScreenshotHeadless(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	dir := t.TempDir()
	out := filepath.Join(dir, "shots", "out.png") // a folder to make, too
	code, stdout, stderr := runCmd(t, "--screenshot", out, "--size", "200x150", sphereFile(t, dir))
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
	img := checkPicture(t, out, image.Pt(200, 150), scene.DefaultBackground)
	if got := centre(img); got == scene.DefaultBackground {
		t.Errorf("the centre is the background %v, want the sphere", got)
	}
}

func TestScreenshotUnwritable(t *testing.T) {
	dir := t.TempDir()
	notDir := stltest.WriteFile(t, dir, "file", []byte("x"))
	code, _, stderr := runCmd(t, "--screenshot", filepath.Join(notDir, "out.png"), sphereFile(t, dir))
	if code != exitFailed || !strings.Contains(stderr, notDir) {
		t.Errorf("got exit %d, stderr %q; want %d and an error naming the path", code, stderr, exitFailed)
	}
}

func TestScreenshotBrokenFile(t *testing.T) {
	dir := t.TempDir()
	good := sphereFile(t, dir)
	broken := stltest.WriteFile(t, dir, "broken.stl", nil)
	out := filepath.Join(dir, "out.png")
	code, _, stderr := runCmd(t, "--screenshot", out, "--size", "600x400", good, broken)
	if code != exitFailed || !strings.Contains(stderr, broken) {
		t.Errorf("got exit %d, stderr %q; want %d and an error naming %s", code, stderr, exitFailed, broken)
	}
	img := readPNG(t, out) // written all the same
	cells := scene.GalleryLayout(2, img.Bounds())
	if len(cells) != 2 {
		t.Fatalf("want two gallery cells in %v", img.Bounds())
	}
	c := cells[0].View
	if cov := coverage(img, c, scene.DefaultBackground); cov < 0.1 {
		t.Errorf("the good file's cell is %.0f%% drawn, want a sphere", 100*cov)
	}
	// The broken file's cell shows the red placeholder.
	c = cells[1].View
	p := rgba(img.At((c.Min.X+c.Max.X)/2, (c.Min.Y+c.Max.Y)/2))
	if int(p.R) < int(p.G)+60 || int(p.R) < int(p.B)+60 {
		t.Errorf("the broken file's cell has %v at its centre, want the red placeholder", p)
	}
}

func TestScreenshotSamples(t *testing.T) {
	samples, err := fs.Glob(assets.FS, "*.stl*")
	if err != nil || len(samples) < 2 {
		t.Fatalf("the bundled samples: %v, %v", samples, err)
	}
	out := filepath.Join(t.TempDir(), "samples.png")
	code, _, stderr := runCmd(t, "--screenshot", out, "--size", "480x320")
	if code != exitOK {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	img := readPNG(t, out)
	cells := scene.GalleryLayout(len(samples), img.Bounds())
	for i, c := range cells {
		if cov := coverage(img, c.View, scene.DefaultBackground); cov < 0.05 {
			t.Errorf("cell %d (%s) is %.1f%% drawn, want a sample part", i, samples[i], 100*cov)
		}
	}
}

func TestScreenshotDir(t *testing.T) {
	src := t.TempDir()
	bin := stltest.Encode(t, torus(), false)
	inputs := []string{
		stltest.WriteFile(t, src, "d1/part.stl", bin),
		stltest.WriteFile(t, src, "d2/part.stl", stltest.Encode(t, mesh.Sphere(5, 16, 8), true)),
		stltest.WriteFile(t, src, "d3/part-2.STL", bin), // the name the second part.stl gets
		stltest.WriteFile(t, src, "d3/part.stl.gz", stltest.Gzip(t, bin)),
	}
	wantNames := []string{"part.png", "part-2.png", "part-2-2.png", "part-3.png"}
	outDir := filepath.Join(t.TempDir(), "thumbs")

	code, stdout, stderr := runCmd(t, "--screenshot-dir", outDir, inputs[0], filepath.Join(src, "d2"), filepath.Join(src, "d3"))
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	var want []string
	for _, n := range wantNames {
		want = append(want, filepath.Join(outDir, n))
	}
	if got := strings.Fields(stdout); !slices.Equal(got, want) {
		t.Errorf("got thumbnails\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	entries, err := os.ReadDir(outDir)
	if err != nil || len(entries) != len(inputs) {
		t.Fatalf("got %d files in the folder (%v), want one per input (%d)", len(entries), err, len(inputs))
	}
	thumbs := map[string]image.Image{}
	for _, p := range want {
		thumbs[filepath.Base(p)] = checkPicture(t, p, image.Pt(thumbnailSize[0], thumbnailSize[1]), scene.DefaultBackground)
	}
	// Each thumbnail shows its own file: part-2 is the sphere.
	if d := differing(t, thumbs["part.png"], thumbs["part-2.png"]); d < 0.05 {
		t.Errorf("the torus and sphere thumbnails differ in %.1f%% of pixels, want them to look different", 100*d)
	}

	// --size sets the thumbnails' size; a broken file gets one too, and exit 1.
	broken := stltest.WriteFile(t, src, "d4/broken.stl", []byte(badVertexSTL))
	outDir = filepath.Join(t.TempDir(), "small")
	code, stdout, stderr = runCmd(t, "--screenshot-dir", outDir, "--size", "100x80", inputs[0], broken)
	if code != exitFailed || !strings.Contains(stderr, broken) {
		t.Errorf("broken: got exit %d, stderr %q; want %d and an error naming the file", code, stderr, exitFailed)
	}
	if got := strings.Fields(stdout); len(got) != 2 {
		t.Errorf("broken: got %q, want two thumbnails", got)
	}
	for _, n := range []string{"part.png", "broken.png"} {
		if img := readPNG(t, filepath.Join(outDir, n)); img.Bounds().Size() != image.Pt(100, 80) {
			t.Errorf("%s: got %v, want 100x80", n, img.Bounds().Size())
		}
	}
}

func TestThumbnailName(t *testing.T) {
	taken := map[string]bool{}
	for _, tt := range []struct{ source, want string }{
		{"/a/part.stl", "part.png"},
		{"/b/part.stl", "part-2.png"},
		{"/c/part-2.stl", "part-2-2.png"},
		{"/d/PART.STL", "PART-3.png"}, // "part.png" and "part-2.png" are taken where case is ignored
		{"/e/part.stl.gz", "part-4.png"},
		{"/f/Gear.Stl.GZ", "Gear.png"},
		{"/g/notes.txt", "notes.txt.png"},
		{"https://example.com/x/bolt.stl", "bolt.png"},
	} {
		if got := thumbnailName(tt.source, taken); got != tt.want {
			t.Errorf("thumbnailName(%q) = %q, want %q", tt.source, got, tt.want)
		}
	}
}

// TestPictureFlags checks that each picture flag changes the picture.
func TestPictureFlags(t *testing.T) {
	dir := t.TempDir()
	l := stltest.WriteFile(t, dir, "l.stl", stltest.Encode(t, lShape(), false))
	sphere := sphereFile(t, dir)
	shot := func(name, file string, flags ...string) image.Image {
		t.Helper()
		out := filepath.Join(dir, name+".png")
		args := append([]string{"--screenshot", out, "--size", "160x120"}, flags...)
		if code, _, stderr := runCmd(t, append(args, file)...); code != exitOK {
			t.Fatalf("%s: got exit %d (%s), want 0", name, code, stderr)
		}
		return readPNG(t, out)
	}
	base := shot("iso", l)
	if d := differing(t, base, shot("iso-again", l)); d != 0 {
		t.Errorf("the same flags give pictures %.1f%% different, want the same picture", 100*d)
	}
	for _, tt := range []struct {
		name  string
		flags []string
	}{
		{"front", []string{"--view", "front"}},
		{"top", []string{"--view", "top"}},
		{"left", []string{"--view", "left"}},
		{"angles", []string{"--azimuth", "200", "--elevation", "-30"}},
		{"up-y", []string{"--up", "+Y"}},
		{"up-x", []string{"--up", "-X"}},
		{"wireframe", []string{"--wireframe"}},
	} {
		if d := differing(t, base, shot(tt.name, l, tt.flags...)); d < 0.02 {
			t.Errorf("%s: the picture differs from the default in %.1f%% of pixels, want it changed", tt.name, 100*d)
		}
	}
	if d := differing(t, shot("front", l, "--view", "front"), shot("back", l, "--view", "back")); d < 0.02 {
		t.Errorf("--view front and back differ in %.1f%% of pixels, want different pictures", 100*d)
	}

	plain := shot("default-colour", sphere)
	shot("bg", sphere, "--background", "#102030")
	withBG := checkPicture(t, filepath.Join(dir, "bg.png"), image.Pt(160, 120), color.RGBA{16, 32, 48, 255})
	if d := differing(t, plain, withBG); d < 0.3 {
		t.Errorf("--background changed %.1f%% of pixels, want all around the sphere", 100*d)
	}
	if c := centre(plain); c.B <= c.R {
		t.Errorf("the default mesh colour at the centre is %v, want the default blue-grey", c)
	}
	if c := centre(shot("red", sphere, "--color", "#ff0000")); c.R < 100 || c.G != 0 || c.B != 0 {
		t.Errorf("--color #ff0000: the centre is %v, want pure red shaded", c)
	}
}
