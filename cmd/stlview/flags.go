package main

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/render/scene"
)

// config is what the command line asks for.
type config struct {
	paths   []string
	workers []int // one count, or several for --bench
	cacheMB int
	size    image.Point
	sizeSet bool // --size was given

	renderer      string // auto, gpu or cpu
	screenshot    string
	screenshotDir string
	pose          scene.Pose
	background    color.RGBA
	color         mesh.Color
	wireframe     bool

	info, json, bench, version bool
	frameStats                 string
	exitAfterLoad, spin        bool
	maxFrames, spinFrames      int
	watch                      bool

	backTint bool           // tint faces seen from behind
	section  *scene.Section // --section x=12.5
	ortho    bool
	units    string
}

// budget returns the memory budget every mode's loads share: --cache-mb.
func (c *config) budget() *asyncload.Budget {
	return asyncload.NewBudget(int64(c.cacheMB)<<20, "--cache-mb")
}

// errHelp is returned by parseFlags after printing the help.
var errHelp = errors.New("help")

const usage = `stlview: a 3D viewer for STL files

Usage:
  stlview [flags] [PATH|URL ...]       open a window on files, folders, URLs
  stlview --info [--json] PATH...      report on files without a window
  stlview --bench [--workers 1,2,4] PATH...
                                       time loading, synchronously and with workers
  stlview --screenshot out.png PATH... write a picture and exit (no display needed)
  stlview --screenshot-dir DIR PATH... write one thumbnail per file

With no path, the window shows the bundled sample parts. Folders are
searched recursively for *.stl and *.stl.gz files. Files dropped on the
window are added.

Flags:
`

// parseFlags parses args. It prints the help and returns errHelp for -h.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := pflag.NewFlagSet("stlview", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	cfg := &config{}
	var workers, size, view, up, background, meshColor, section string
	var azimuth, elevation float32
	fs.StringVarP(&workers, "workers", "w", "", "loader workers (default: the number of CPUs); for --bench a list such as 1,2,4")
	fs.IntVar(&cfg.cacheMB, "cache-mb", 2048, "memory for meshes, in MB; drawn meshes beyond it are loaded again when needed")
	fs.StringVar(&size, "size", "1024x768", "window or picture size, WxH")
	fs.StringVar(&cfg.renderer, "renderer", "auto", "3D renderer: auto (measure both), gpu or cpu")
	fs.StringVar(&cfg.screenshot, "screenshot", "", "load everything, write one PNG `FILE` of the whole scene and exit (1 if a file failed)")
	fs.StringVar(&cfg.screenshotDir, "screenshot-dir", "", "write one PNG per file into `DIR` (thumbnails) and exit")
	fs.StringVar(&view, "view", "iso", "initial view: iso, front, back, left, right, top or bottom")
	fs.Float32Var(&azimuth, "azimuth", 0, "initial azimuth in `DEG`rees (with --elevation, instead of --view)")
	fs.Float32Var(&elevation, "elevation", 0, "initial elevation in `DEG`rees")
	fs.StringVar(&up, "up", "+Z", "the world's up axis: +Z, -Z, +Y, -Y, +X or -X")
	fs.StringVar(&background, "background", "", "background `COLOR` (#rrggbb)")
	fs.StringVar(&meshColor, "color", "", "`COLOR` of meshes without colours of their own (#rrggbb)")
	fs.BoolVar(&cfg.wireframe, "wireframe", false, "start with the wireframe overlay")
	fs.BoolVar(&cfg.info, "info", false, "load the files and print one line about each; no window")
	fs.BoolVar(&cfg.json, "json", false, "with --info or --bench, print JSON objects, one per line")
	fs.BoolVar(&cfg.bench, "bench", false, "time loading the files synchronously and through the loader")
	fs.StringVar(&cfg.frameStats, "frame-stats", "", "write frame timing as JSON to `FILE` at exit")
	fs.BoolVar(&cfg.exitAfterLoad, "exit-after-load", false, "quit a second after the last load finishes")
	fs.BoolVar(&cfg.spin, "spin", false, "turn the camera steadily (demos, benchmarks)")
	fs.IntVar(&cfg.maxFrames, "max-frames", 0, "quit after `N` frames")
	fs.IntVar(&cfg.spinFrames, "spin-frames", 0, "with --spin, stop turning after `N` frames that show the files, then rest")
	fs.BoolVar(&cfg.backTint, "back-tint", false, "tint faces seen from behind (inverted faces) in orange")
	fs.StringVar(&section, "section", "", "cut the parts with a plane: `AXIS=OFFSET`, such as x=12.5 (the part beyond is not drawn)")
	fs.BoolVar(&cfg.ortho, "ortho", false, "orthographic camera (no perspective)")
	fs.StringVar(&cfg.units, "units", "", "the unit of the files' numbers, for display only (STL has none; mm by convention)")
	fs.BoolVar(&cfg.watch, "watch", true, "reload files that change on disk")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	help := fs.BoolP("help", "h", false, "print this help")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *help {
		fs.Usage()
		return nil, errHelp
	}
	cfg.paths = fs.Args()

	var err error
	if cfg.workers, err = parseWorkers(workers); err != nil {
		return nil, err
	}
	if len(cfg.workers) > 1 && !cfg.bench {
		return nil, errors.New("--workers takes a list only with --bench")
	}
	if cfg.size, err = parseSize(size); err != nil {
		return nil, err
	}
	cfg.sizeSet = fs.Changed("size")
	if cfg.pose.Up, err = scene.ParseUp(up); err != nil {
		return nil, err
	}
	if cfg.pose.View, err = scene.ParseView(view); err != nil {
		return nil, err
	}
	if fs.Changed("azimuth") || fs.Changed("elevation") {
		if !finite(azimuth) || !finite(elevation) {
			return nil, fmt.Errorf("--azimuth %v --elevation %v: want finite angles in degrees", azimuth, elevation)
		}
		cfg.pose.Angles, cfg.pose.Azimuth, cfg.pose.Elevation = true, azimuth, elevation
	}
	if background != "" {
		if cfg.background, err = parseColor(background); err != nil {
			return nil, fmt.Errorf("--background: %w", err)
		}
	}
	if meshColor != "" {
		c, err := parseColor(meshColor)
		if err != nil {
			return nil, fmt.Errorf("--color: %w", err)
		}
		cfg.color = mesh.Color{R: c.R, G: c.G, B: c.B, A: 255}
	}
	switch render.Kind(cfg.renderer) {
	case "auto", render.KindGPU, render.KindCPU:
	default:
		return nil, fmt.Errorf("--renderer %q: want auto, gpu or cpu", cfg.renderer)
	}
	if section != "" {
		if cfg.section, err = parseSection(section); err != nil {
			return nil, err
		}
	}
	if cfg.spinFrames < 0 {
		return nil, fmt.Errorf("--spin-frames %d: want a count, or 0 for no limit", cfg.spinFrames)
	}
	if cfg.cacheMB <= 0 {
		return nil, fmt.Errorf("--cache-mb %d: want a positive size", cfg.cacheMB)
	}
	if cfg.maxFrames < 0 {
		return nil, fmt.Errorf("--max-frames %d: want a count, or 0 for no limit", cfg.maxFrames)
	}
	// Each mode ignores the others' output flags: refuse the mix rather
	// than drop one silently.
	modes := 0
	for _, on := range []bool{cfg.info, cfg.bench, cfg.screenshot != "", cfg.screenshotDir != ""} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return nil, errors.New("--info, --bench, --screenshot and --screenshot-dir do not go together")
	}
	if cfg.json && !cfg.info && !cfg.bench {
		return nil, errors.New("--json goes with --info or --bench")
	}
	if (cfg.info || cfg.bench || cfg.screenshotDir != "") && len(cfg.paths) == 0 {
		return nil, errors.New("give the files or folders to work on")
	}
	return cfg, nil
}

// headless reports whether the command makes pictures without a window:
// screenshots with the CPU renderer (auto counts: no window is faster).
func (c *config) headless() bool {
	return c.screenshotDir != "" || (c.screenshot != "" && c.renderer != string(render.KindGPU))
}

// loaderWorkers returns the number of loader workers asked for.
func (c *config) loaderWorkers() int {
	if len(c.workers) == 0 {
		return runtime.NumCPU()
	}
	return c.workers[0]
}

func finite(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// parseWorkers reads "4" or "1,2,4".
func parseWorkers(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var ns []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("--workers %q: want counts from 1 to 1024, such as 4 or 1,2,4", s)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// parseSection reads "x=12.5": the axis and the offset along it.
func parseSection(s string) (*scene.Section, error) {
	axis, off, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "=")
	i := strings.Index("xyz", axis)
	v, err := strconv.ParseFloat(strings.TrimSpace(off), 32)
	if !ok || len(axis) != 1 || i < 0 || err != nil || !finite(float32(v)) {
		return nil, fmt.Errorf("--section %q: want AXIS=OFFSET, such as x=12.5 or z=-3", s)
	}
	return &scene.Section{Axis: i, Offset: float32(v)}, nil
}

// parseSize reads "WxH".
func parseSize(s string) (image.Point, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	x, errX := strconv.Atoi(w)
	y, errY := strconv.Atoi(h)
	if !ok || errX != nil || errY != nil || x < 64 || y < 64 || x > 16384 || y > 16384 {
		return image.Point{}, fmt.Errorf("--size %q: want WxH, such as 1280x800, each from 64 to 16384", s)
	}
	return image.Pt(x, y), nil
}

// parseColor reads "#rrggbb" or "rrggbb", or one of a few names.
func parseColor(s string) (color.RGBA, error) {
	if c, ok := colorNames[strings.ToLower(s)]; ok {
		return c, nil
	}
	h := strings.TrimPrefix(s, "#")
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		return color.RGBA{}, fmt.Errorf("%q: want #rrggbb or a name (%s)", s, strings.Join(colorNameList, ", "))
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
}

var colorNames = map[string]color.RGBA{
	"black": {0, 0, 0, 255}, "white": {255, 255, 255, 255}, "grey": {128, 128, 128, 255}, "gray": {128, 128, 128, 255},
	"red": {220, 50, 47, 255}, "green": {60, 170, 80, 255}, "blue": {50, 110, 220, 255}, "orange": {240, 140, 30, 255},
}

var colorNameList = []string{"black", "white", "grey", "red", "green", "blue", "orange"}
