package main

import (
	"fmt"
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
		stltest.WriteFile(t, src, "d3/sub/deep.stl", bin),
	}
	// d1/part.stl is given itself; d2 and d3 are folders, whose files keep
	// their places under them; clashing names take numbers.
	wantNames := []string{"part.png", "part-2.png", "part-2-2.png", "part-3.png", filepath.Join("sub", "deep.png")}
	outDir := filepath.Join(t.TempDir(), "thumbs")

	code, stdout, stderr := runCmd(t, "--screenshot-dir", outDir, inputs[0], filepath.Join(src, "d2"), filepath.Join(src, "d3"))
	if code != exitOK || stderr != "" || stdout != "" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 0 and nothing printed", code, stdout, stderr)
	}
	var want []string
	for _, n := range wantNames {
		want = append(want, filepath.Join(outDir, n))
	}
	var got []string
	filepath.WalkDir(outDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			got = append(got, p)
		}
		return nil
	})
	slices.Sort(got)
	sorted := slices.Clone(want)
	slices.Sort(sorted)
	if !slices.Equal(got, sorted) {
		t.Errorf("got thumbnails\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(sorted, "\n"))
	}
	thumbs := map[string]image.Image{}
	for _, p := range want {
		thumbs[filepath.Base(p)] = checkPicture(t, p, thumbnailSize, scene.DefaultBackground)
	}
	// Each thumbnail shows its own file: part-2 is the sphere.
	if d := differing(t, thumbs["part.png"], thumbs["part-2.png"]); d < 0.05 {
		t.Errorf("the torus and sphere thumbnails differ in %.1f%% of pixels, want them to look different", 100*d)
	}

	// Again into the same folder: the thumbnails there are kept, the new
	// ones take numbers; a link planted at a name is not written through.
	target := filepath.Join(t.TempDir(), "victim.png")
	os.WriteFile(target, []byte("keep"), 0o644)
	again := filepath.Join(t.TempDir(), "again")
	os.MkdirAll(again, 0o755)
	os.Symlink(target, filepath.Join(again, "part.png"))
	if code, _, stderr := runCmd(t, "--screenshot-dir", again, inputs[0]); code != exitOK {
		t.Fatalf("into a folder with a link: exit %d, %s", code, stderr)
	}
	if data, _ := os.ReadFile(target); string(data) != "keep" {
		t.Error("the thumbnail was written through the link planted at its name")
	}
	if _, err := os.Stat(filepath.Join(again, "part-2.png")); err != nil {
		t.Errorf("the thumbnail did not take the next free name: %v", err)
	}

	// --size sets the thumbnails' size; a broken file gets one too, and exit 1.
	broken := stltest.WriteFile(t, src, "d4/broken.stl", []byte(badVertexSTL))
	outDir = filepath.Join(t.TempDir(), "small")
	code, _, stderr = runCmd(t, "--screenshot-dir", outDir, "--size", "100x80", inputs[0], broken)
	if code != exitFailed || !strings.Contains(stderr, "stlview: "+broken+": line ") {
		t.Errorf("broken: got exit %d, stderr %q; want %d and a line naming the file", code, stderr, exitFailed)
	}
	for _, n := range []string{"part.png", "broken.png"} {
		if img := readPNG(t, filepath.Join(outDir, n)); img.Bounds().Size() != image.Pt(100, 80) {
			t.Errorf("%s: got %v, want 100x80", n, img.Bounds().Size())
		}
	}
}

func TestThumbnailNames(t *testing.T) {
	files := []source{
		{"/a/part.stl", ""},
		{"/b/part.stl", ""},
		{"/c/part-2.stl", ""},
		{"/d/PART.STL", ""}, // "part.png" and "part-2.png" are taken where case is ignored
		{"/e/part.stl.gz", ""},
		{"/f/Gear.Stl.GZ", ""},
		{"/g/notes.txt", ""},
		{"https://example.com/x/bolt.stl", ""},
		{"/parts/sub/x.stl", "/parts"},
		{"/parts/sub/deeper/y.stl", "/parts"},
		{"/other/sub/x.stl", "/other"}, // the same place in another folder
	}
	want := []string{"part.png", "part-2.png", "part-2-2.png", "PART-3.png", "part-4.png", "Gear.png", "notes.txt.png", "bolt.png",
		filepath.Join("sub", "x.png"), filepath.Join("sub", "deeper", "y.png"), filepath.Join("sub", "x-2.png")}
	if got := thumbnailNames(files); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
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

// TestScreenshotHundredParts: a picture of a folder of 100 parts at
// 1024x768 shows all 100. The test counts the parts in the PNG as the
// large connected patches of pixels that are not the background (labels
// are small patches).
func TestScreenshotHundredParts(t *testing.T) {
	dir := t.TempDir()
	data := stltest.Encode(t, mesh.Sphere(5, 16, 8), false)
	for i := range 100 {
		stltest.WriteFile(t, dir, fmt.Sprintf("parts/p%03d.stl", i), data)
	}
	out := filepath.Join(dir, "all.png")
	code, stdout, stderr := runCmd(t, "--screenshot", out, "--size", "1024x768", filepath.Join(dir, "parts"))
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
	img := checkPicture(t, out, image.Pt(1024, 768), scene.DefaultBackground)
	if got := countPatches(img, scene.DefaultBackground, 300); got != 100 {
		t.Errorf("counted %d parts in the picture, want 100", got)
	}
}

// countPatches returns the number of 4-connected patches of at least min
// pixels that are not bg.
func countPatches(img image.Image, bg color.RGBA, min int) int {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	seen := make([]bool, w*h)
	patches := 0
	var stack []int
	for start := range seen {
		if seen[start] || rgba(img.At(b.Min.X+start%w, b.Min.Y+start/w)) == bg {
			continue
		}
		size := 0
		seen[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x, y := p%w, p/w
			for _, q := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if q[0] < 0 || q[0] >= w || q[1] < 0 || q[1] >= h {
					continue
				}
				i := q[1]*w + q[0]
				if !seen[i] && rgba(img.At(b.Min.X+q[0], b.Min.Y+q[1])) != bg {
					seen[i] = true
					stack = append(stack, i)
				}
			}
		}
		if size >= min {
			patches++
		}
	}
	return patches
}
