package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/edges"
	"github.com/stlview/stlview/internal/explain"
	"github.com/stlview/stlview/internal/lod"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/picture"
	"github.com/stlview/stlview/internal/render/raster"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

// thumbnailSize is the size of --screenshot-dir pictures unless --size
// says otherwise.
var thumbnailSize = image.Pt(256, 256)

// pictureOptions returns the picture settings the command line asks for.
func pictureOptions(cfg *config) picture.Options {
	return picture.Options{
		Size: cfg.size, Pose: cfg.pose, Background: cfg.background, Transparent: cfg.transparent,
		Color: cfg.color, Wireframe: cfg.wireframe, BackTint: cfg.backTint, Section: cfg.section,
		Ortho: cfg.ortho, Interactive: cfg.detail == "interactive", Grid: cfg.grid, Axes: cfg.axes,
	}
}

// runPicture loads the files and writes pictures without a window:
// --screenshot writes one picture of them all (the gallery, every file
// in it), and --screenshot-dir one per file. Each file is drawn as it
// loads and its mesh let go, so a folder bigger than the memory budget
// still makes its picture. Failures are reported on stderr, and their
// cells show their errors; it returns exitFailed if a file failed or a
// picture could not be written.
func runPicture(cfg *config, stdout, stderr io.Writer) int {
	paths, cleanup, err := sourcesOrSamples(cfg.paths)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	defer cleanup()
	// The gallery's layout needs the number of files: list the folders
	// first (the loader would, on its workers, all the same).
	files, listErrs := listSources(paths)
	code := exitOK
	for _, e := range listErrs {
		fmt.Fprintln(stderr, "stlview:", explain.Line(e.source, e.err))
		code = exitFailed
	}
	l, err := asyncload.New(asyncload.Config{Workers: cfg.loaderWorkers(), Indexed: cfg.detail == "interactive" || cfg.wireframe || cfg.edges || cfg.smooth, Budget: cfg.budget()})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	defer l.Close()
	r := raster.New(0)
	defer r.Close()
	opts := pictureOptions(cfg)
	var canvas *picture.Canvas
	if cfg.screenshotDir == "" {
		canvas = picture.NewCanvas(len(files)+len(listErrs), opts)
	}
	thumbOpts := opts
	if !cfg.sizeSet {
		thumbOpts.Size = thumbnailSize
	}
	names := thumbnailNames(files)
	index := map[string]int{}
	for i, f := range files {
		index[f.path] = i
	}
	for i, e := range listErrs {
		canvas.Draw(r, len(files)+i, picture.Item{Name: filepath.Base(e.source), Mesh: asyncload.Placeholder(), Err: errors.New(explain.Error(e.err))})
	}
	var sources []string
	for _, f := range files {
		sources = append(sources, f.path)
	}
	loadAll(l, sources, asyncload.High, func(res asyncload.Result) {
		defer res.Release()
		i, ok := index[res.Source]
		if !ok {
			return // a folder of its own: its files come as their own results
		}
		it := itemOf(cfg, res)
		if res.Err != nil {
			code = exitFailed
			fmt.Fprintln(stderr, "stlview:", explain.Line(res.Source, res.Err))
		}
		if canvas != nil {
			canvas.Draw(r, i, it)
			return
		}
		out := filepath.Join(cfg.screenshotDir, names[i])
		if err := writeNew(out, picture.Gallery(r, []picture.Item{it}, thumbOpts)); err != nil {
			fmt.Fprintln(stderr, "stlview:", explain.Line(out, err))
			code = exitFailed
		}
	})
	if canvas == nil {
		return code
	}
	img := canvas.Finish()
	if err := writePicture(cfg.screenshot, img, stdout); err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Line(cfg.screenshot, err))
		return exitFailed
	}
	return code
}

// itemOf returns the picture item of a load: its mesh (or the placeholder
// and the error), with the levels of detail --detail interactive draws
// (and a wireframe) draws and the feature edges -e overlays.
func itemOf(cfg *config, res asyncload.Result) picture.Item {
	it := picture.Item{Name: filepath.Base(res.Source), Mesh: res.Mesh}
	if res.Err != nil {
		it.Err = errors.New(explain.Error(res.Err))
		if it.Mesh == nil {
			it.Mesh = asyncload.Placeholder()
		}
		return it
	}
	if cfg.detail == "interactive" || cfg.wireframe {
		// A wireframe draws a level whose edges show apart.
		it.Levels, _ = lod.Build(context.Background(), res.Mesh, lod.Options{})
	}
	if cfg.edges {
		it.Lines = featureLines(res.Mesh, cfg.edgeAngle)
	}
	if cfg.smooth {
		it.Smooth = smoothNormals(res.Mesh, it.Levels, cfg.edgeAngle)
	}
	return it
}

// smoothNormals returns the corner normals of m and its levels for smooth
// shading with a crease of angle degrees, or nil (flat) if they cannot be
// made.
func smoothNormals(m *mesh.Mesh, levels []*mesh.Mesh, angle float64) map[*mesh.Mesh][]uint32 {
	out := map[*mesh.Mesh][]uint32{}
	for _, x := range append([]*mesh.Mesh{m}, levels...) {
		ns, err := shading.Smooth(context.Background(), x, angle*math.Pi/180, 0)
		if err != nil {
			return nil
		}
		out[x] = ns
	}
	return out
}

// featureLines returns m's feature edges sharper than angle degrees, as
// lines to draw over it.
func featureLines(m *mesh.Mesh, angle float64) []scene.Line {
	es, err := edges.Feature(context.Background(), m, angle*math.Pi/180, 2_000_000)
	if err != nil {
		return nil
	}
	return edges.Lines(es)
}

// writePicture writes img to path in the format its extension asks for,
// or as PNG to w for "-".
func writePicture(path string, img image.Image, w io.Writer) error {
	if path == "-" {
		return picture.EncodePNG(w, img)
	}
	return picture.WriteFile(path, img)
}

// writeNew writes img to path, or when a file is there already to the
// first free path-2.png, path-3.png...: a thumbnail never takes an
// existing file's place (nor writes through a link planted there).
func writeNew(path string, img image.Image) error {
	base := strings.TrimSuffix(path, ".png")
	p := path
	for n := 2; ; n++ {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			break
		}
		if n > 1000 {
			return fmt.Errorf("%s: too many pictures of that name", path)
		}
		p = fmt.Sprintf("%s-%d.png", base, n)
	}
	return picture.WriteFile(p, img)
}

// source is a file to draw, and the folder given on the command line it
// was found in ("" for a file given itself), for the thumbnails' names.
type source struct {
	path, root string
}

// sourceError is a folder that could not be listed.
type sourceError struct {
	source string
	err    error
}

// listSources expands the folders among paths into their STL files, in
// the order FindSTL walks them; files and URLs stay as they are. A folder
// with no STL file, or that cannot be read, is an error of its own.
func listSources(paths []string) ([]source, []sourceError) {
	var files []source
	var errs []sourceError
	for _, p := range paths {
		fi, err := os.Stat(p)
		if asyncload.IsURL(p) || err != nil || !fi.IsDir() {
			files = append(files, source{path: p})
			continue
		}
		names, err := asyncload.FindSTL(os.DirFS(p), ".")
		if err == nil && len(names) == 0 {
			err = asyncload.ErrNoSTL
		}
		if err != nil {
			errs = append(errs, sourceError{p, err})
		}
		for _, n := range names {
			files = append(files, source{path: filepath.Join(p, filepath.FromSlash(n)), root: p})
		}
	}
	return files, errs
}

// thumbnailNames returns the PNG name of each file, relative to
// --screenshot-dir: a file found in a folder keeps its place under that
// folder (parts/a/x.stl gives a/x.png), one given itself its base name;
// the .stl or .stl.gz extension becomes .png, and names that would clash
// (two files given with one base name; case-blind file systems) take a
// number.
func thumbnailNames(files []source) []string {
	names := make([]string, len(files))
	taken := map[string]bool{}
	for i, f := range files {
		rel := filepath.Base(f.path)
		if f.root != "" {
			if r, err := filepath.Rel(f.root, f.path); err == nil {
				rel = r
			}
		}
		base := stripSTL(rel)
		name := base + ".png"
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d.png", base, n)
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// stripSTL removes a .stl or .stl.gz extension, in any case.
func stripSTL(name string) string {
	lower := strings.ToLower(name)
	for _, ext := range []string{".stl.gz", ".stl"} {
		if strings.HasSuffix(lower, ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

// thumbnailFaces is how many faces a thumbnail of a big binary file is
// drawn from (see asyncload.Preview): far more than a 1024-pixel picture
// can show.
const thumbnailFaces = 400_000

// runThumbnail is the freedesktop thumbnailer: stlview --thumbnail SIZE
// INPUT OUTPUT writes a PNG of INPUT, SIZE pixels square, to OUTPUT, with a
// transparent background, and on failure writes nothing and exits
// non-zero. It needs no display, no GPU, no environment and no writable
// folder but OUTPUT's (GNOME runs thumbnailers in a bubblewrap sandbox):
// it decodes with the decoder alone, without the loader's workers or
// watcher, and draws on the CPU.
func runThumbnail(cfg *config, stderr io.Writer) int {
	in, out := cfg.paths[0], cfg.paths[1]
	budget := cfg.budget()
	f, fi, err := asyncload.OpenRegular(in)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Line(in, err))
		return exitFailed
	}
	defer f.Close() // read-only
	// A big binary file is drawn from a spread of its faces: at thumbnail
	// size the picture is the same, at a fraction of the reading.
	m := asyncload.Preview(f, fi.Size(), thumbnailFaces)
	if m == nil {
		m, err = mesh.Decoder{Budget: budget, Path: in}.Decode(context.Background(), f, fi.Size())
	}
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Line(in, err))
		return exitFailed
	}
	if m.Faces() == 0 {
		fmt.Fprintln(stderr, "stlview:", explain.Line(in, errors.New("the file holds no faces")))
		return exitFailed
	}
	opts := pictureOptions(cfg)
	opts.Size = image.Pt(cfg.thumbnail, cfg.thumbnail)
	opts.Transparent = !cfg.bgSet
	opts.Supersample = 3 // smooth edges, at half the cost of 4
	r := raster.New(0)
	defer r.Close()
	img := picture.Gallery(r, []picture.Item{{Name: filepath.Base(in), Mesh: m}}, opts)
	if err := picture.WriteFileAs(out, img, picture.PNG); err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Line(out, err))
		return exitFailed
	}
	return exitOK
}
