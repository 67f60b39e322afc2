package main

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/picture"
	"github.com/stlview/stlview/internal/render/raster"
)

// thumbnailSize is the size of --screenshot-dir pictures unless --size
// says otherwise.
var thumbnailSize = [2]int{256, 256}

// runPicture loads the files and writes pictures without a window:
// --screenshot writes one picture of them all (the gallery), and
// --screenshot-dir one per file. It returns exitFailed if a file failed
// (its picture then shows the error) or a picture could not be written.
func runPicture(cfg *config, stdout, stderr io.Writer) int {
	paths, cleanup, err := sourcesOrSamples(cfg.paths)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	defer cleanup()
	l, err := asyncload.New(asyncload.Config{Workers: cfg.loaderWorkers(), Indexed: true})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	defer l.Close()
	r := raster.New(0)
	defer r.Close()
	opts := picture.Options{Size: cfg.size, Pose: cfg.pose, Background: cfg.background, Color: cfg.color, Wireframe: cfg.wireframe}

	code := exitOK
	var items []picture.Item
	names := map[string]bool{}
	loadAll(l, paths, asyncload.High, func(res asyncload.Result) {
		it := picture.Item{Name: filepath.Base(res.Source), Mesh: res.Mesh, Err: res.Err}
		if res.Err != nil {
			code = exitFailed
			fmt.Fprintln(stderr, "stlview:", res.Err)
			if it.Mesh == nil {
				it.Mesh = asyncload.Placeholder()
			}
		}
		if cfg.screenshotDir == "" {
			items = append(items, it)
			return
		}
		thumb := opts
		if !cfg.sizeSet {
			thumb.Size.X, thumb.Size.Y = thumbnailSize[0], thumbnailSize[1]
		}
		out := filepath.Join(cfg.screenshotDir, thumbnailName(res.Source, names))
		if err := writePicture(out, picture.Gallery(r, []picture.Item{it}, thumb)); err != nil {
			fmt.Fprintln(stderr, "stlview:", err)
			code = exitFailed
			return
		}
		fmt.Fprintln(stdout, out)
	})
	if cfg.screenshotDir != "" {
		return code
	}
	if err := writePicture(cfg.screenshot, picture.Gallery(r, items, opts)); err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	return code
}

// thumbnailName returns the PNG name for source: its base name with the
// .stl or .stl.gz extension replaced, made unique with a number when
// folders hold files of the same name. taken holds the names given so far,
// in lower case (for file systems that ignore case), and gains the new one.
func thumbnailName(source string, taken map[string]bool) string {
	base := filepath.Base(source)
	lower := strings.ToLower(base)
	for _, ext := range []string{".stl.gz", ".stl"} {
		if strings.HasSuffix(lower, ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	// A numbered name may itself be a file's: "a.stl" twice, then "a-2.stl".
	name := base + ".png"
	for n := 2; taken[strings.ToLower(name)]; n++ {
		name = fmt.Sprintf("%s-%d.png", base, n)
	}
	taken[strings.ToLower(name)] = true
	return name
}

// writePicture encodes img as PNG to path.
func writePicture(path string, img image.Image) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(picture.EncodePNG(f, img), f.Close())
}
