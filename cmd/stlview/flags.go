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
	"time"

	"github.com/spf13/pflag"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/picture"
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
	screenshot    string // a file, or "-" for standard output
	screenshotDir string
	thumbnail     int // --thumbnail SIZE: the freedesktop thumbnailer's mode
	pose          scene.Pose
	background    color.RGBA
	bgSet         bool // --background was given
	color         mesh.Color
	wireframe     bool

	info, json, check, bench, version bool
	frameStats                        string
	exitAfterLoad, spin               bool
	maxFrames, spinFrames             int
	watch                             bool
	httpIdle                          time.Duration

	backTint    bool           // tint faces seen from behind
	section     *scene.Section // --section x=12.5
	ortho       bool
	units       string
	transparent bool
	detail      string  // full or interactive, for pictures
	edges       bool    // overlay feature edges
	edgeAngle   float64 // degrees
	grid, axes  bool
	smooth      bool // --shading smooth
}

// budget returns the memory budget every mode's loads share: --cache-mb.
func (c *config) budget() *asyncload.Budget {
	return asyncload.NewBudget(int64(c.cacheMB)<<20, "--cache-mb")
}

// errHelp is returned by parseFlags after printing the help.
var errHelp = errors.New("help")

// usageError is a command line that cannot be run; main says so, points
// at --help and exits with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `stlview: a 3D viewer for STL files

Usage:
  stlview [flags] [PATH|URL ...]         open a window on files, folders, URLs
  stlview --info [--json] [--check] PATH...
                                         report on files without a window
  stlview --bench [--workers 1,2,4] PATH...
                                         time loading, synchronously and with workers
  stlview --screenshot out.png PATH...   write a picture and exit (no display needed)
  stlview --screenshot-dir DIR PATH...   write one thumbnail per file
  stlview --thumbnail SIZE INPUT OUTPUT  the file managers' thumbnailer (see README)

With no path, the window shows the bundled sample parts. Folders are
searched recursively for *.stl and *.stl.gz files. Files dropped on the
window are added.

Flags:
`

// parseFlags parses args. It prints the help and returns errHelp for -h.
// Every other error is a *usageError.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := pflag.NewFlagSet("stlview", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors go back to main, which says them once
	fs.SortFlags = false
	cfg := &config{}
	var workers, size, resolution, view, up, background, meshColor, section, detail, shading string
	var azimuth, elevation float32
	fs.StringVarP(&workers, "workers", "w", "", "loader workers (default: the number of CPUs); for --bench a list such as 1,2,4")
	fs.IntVar(&cfg.cacheMB, "cache-mb", 2048, "memory for meshes and loads, in MB: a file that needs more fails; in the window, meshes beyond it are loaded again when needed")
	fs.StringVar(&size, "size", "1024x768", "window or picture size, WxH")
	fs.StringVar(&resolution, "resolution", "", "the same as --size, written W,H (as f3d takes it)")
	fs.StringVar(&cfg.renderer, "renderer", "auto", "3D renderer of the window: auto, gpu or cpu")
	fs.StringVar(&cfg.screenshot, "screenshot", "", "load everything, write one picture `FILE` (.png or .jpg; - for standard output) of the whole scene and exit")
	fs.StringVar(&cfg.screenshot, "output", "", "the same as --screenshot (as f3d names it)")
	fs.StringVar(&cfg.screenshotDir, "screenshot-dir", "", "write one PNG per file into `DIR` (thumbnails), mirroring the folders given, and exit")
	fs.IntVar(&cfg.thumbnail, "thumbnail", 0, "thumbnailer mode: `SIZE`, then INPUT and OUTPUT (a PNG SIZE pixels on its long side, transparent)")
	fs.StringVar(&view, "view", "iso", "initial view: iso, front, back, left, right, top or bottom")
	fs.Float32Var(&azimuth, "azimuth", 0, "initial azimuth in `DEG`rees (with --elevation, instead of --view)")
	fs.Float32Var(&elevation, "elevation", 0, "initial elevation in `DEG`rees")
	fs.StringVar(&up, "up", "+Z", "the world's up axis: +Z, -Z, +Y, -Y, +X or -X")
	fs.StringVar(&background, "background", "", "background `COLOR` (#rrggbb, a name, or r,g,b from 0 to 1)")
	fs.StringVar(&background, "bg-color", "", "the same as --background (as f3d names it)")
	fs.StringVar(&meshColor, "color", "", "`COLOR` of meshes without colours of their own")
	fs.BoolVar(&cfg.wireframe, "wireframe", false, "overlay the triangles' edges")
	fs.BoolVarP(&cfg.edges, "edges", "e", false, "overlay the feature edges: where faces meet at more than --edge-angle, and open edges")
	fs.Float64Var(&cfg.edgeAngle, "edge-angle", 30, "the angle in `DEG`rees between faces that makes a feature edge")
	fs.StringVar(&shading, "shading", "flat", "shading: flat (every face its own tone) or smooth (across edges under --edge-angle)")
	fs.BoolVar(&cfg.ortho, "ortho", false, "orthographic camera (no perspective)")
	fs.BoolVar(&cfg.grid, "grid", false, "draw a grid on the ground under the parts")
	fs.BoolVar(&cfg.axes, "axes", false, "draw the x (red), y (green) and z (blue) axes at the origin")
	fs.BoolVar(&cfg.transparent, "transparent", false, "pictures with a transparent background (thumbnails always have one)")
	fs.BoolVar(&cfg.backTint, "back-tint", false, "tint faces seen from behind (inverted faces) in orange")
	fs.StringVar(&section, "section", "", "cut the parts with a plane: `AXIS=OFFSET`, such as x=12.5 (the part beyond is not drawn)")
	fs.StringVar(&detail, "detail", "full", "pictures at `full` detail, or at the level of detail a moving camera draws (interactive)")
	fs.StringVar(&cfg.units, "units", "", "the unit of the files' numbers, for display only (STL has none; mm by convention)")
	fs.BoolVar(&cfg.info, "info", false, "load the files and print one line about each; no window")
	fs.BoolVar(&cfg.json, "json", false, "with --info or --bench, print JSON objects, one per line")
	fs.BoolVar(&cfg.check, "check", false, "with --info, also check the topology: watertight, shells, holes, bad edges, flipped faces")
	fs.BoolVar(&cfg.bench, "bench", false, "time loading the files synchronously and through the loader")
	fs.DurationVar(&cfg.httpIdle, "http-timeout", 30*time.Second, "give up a download after this long without a byte")
	fs.StringVar(&cfg.frameStats, "frame-stats", "", "write frame timing as JSON to `FILE` at exit")
	fs.BoolVar(&cfg.exitAfterLoad, "exit-after-load", false, "quit a second after the last load finishes")
	fs.BoolVar(&cfg.spin, "spin", false, "turn the camera steadily (demos, benchmarks)")
	fs.IntVar(&cfg.spinFrames, "spin-frames", 0, "with --spin, stop turning after `N` frames that show the files, then rest")
	fs.IntVar(&cfg.maxFrames, "max-frames", 0, "quit after `N` frames")
	fs.BoolVar(&cfg.watch, "watch", true, "reload files that change on disk")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	help := fs.BoolP("help", "h", false, "print this help")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		return nil, &usageError{err.Error()}
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
		return nil, usagef("--workers takes a list only with --bench")
	}
	if fs.Changed("size") && resolution != "" {
		return nil, usagef("--size and --resolution are one setting: give one")
	}
	if resolution != "" {
		size = strings.Replace(resolution, ",", "x", 1)
	}
	if cfg.size, err = parseSize(size); err != nil {
		return nil, err
	}
	cfg.sizeSet = fs.Changed("size") || resolution != ""
	if cfg.pose.Up, err = scene.ParseUp(up); err != nil {
		return nil, &usageError{"--up: " + strings.TrimPrefix(err.Error(), "scene: ")}
	}
	if cfg.pose.View, err = scene.ParseView(view); err != nil {
		return nil, &usageError{"--view: " + strings.TrimPrefix(err.Error(), "scene: ")}
	}
	if fs.Changed("azimuth") || fs.Changed("elevation") {
		if !finite(azimuth) || !finite(elevation) {
			return nil, usagef("--azimuth %v --elevation %v: want finite angles in degrees", azimuth, elevation)
		}
		cfg.pose.Angles, cfg.pose.Azimuth, cfg.pose.Elevation = true, azimuth, elevation
	}
	if fs.Changed("background") && fs.Changed("bg-color") {
		return nil, usagef("--background and --bg-color are one setting: give one")
	}
	if background != "" {
		if cfg.background, err = parseColor(background); err != nil {
			return nil, usagef("--background: %v", err)
		}
		cfg.bgSet = true
	}
	if meshColor != "" {
		c, err := parseColor(meshColor)
		if err != nil {
			return nil, usagef("--color: %v", err)
		}
		cfg.color = mesh.Color{R: c.R, G: c.G, B: c.B, A: 255}
	}
	if section != "" {
		if cfg.section, err = parseSection(section); err != nil {
			return nil, err
		}
	}
	switch detail {
	case "full", "interactive":
		cfg.detail = detail
	default:
		return nil, usagef("--detail %q: want full or interactive", detail)
	}
	switch shading {
	case "flat":
	case "smooth":
		cfg.smooth = true
	default:
		return nil, usagef("--shading %q: want flat or smooth", shading)
	}
	if !(cfg.edgeAngle > 0 && cfg.edgeAngle < 180) {
		return nil, usagef("--edge-angle %v: want an angle between 0 and 180 degrees", cfg.edgeAngle)
	}
	switch render.Kind(cfg.renderer) {
	case "auto", render.KindGPU, render.KindCPU:
	default:
		return nil, usagef("--renderer %q: want auto, gpu or cpu", cfg.renderer)
	}
	if cfg.cacheMB <= 0 {
		return nil, usagef("--cache-mb %d: want a positive size", cfg.cacheMB)
	}
	if cfg.maxFrames < 0 {
		return nil, usagef("--max-frames %d: want a count, or 0 for no limit", cfg.maxFrames)
	}
	if cfg.spinFrames < 0 {
		return nil, usagef("--spin-frames %d: want a count, or 0 for no limit", cfg.spinFrames)
	}
	if cfg.httpIdle <= 0 {
		return nil, usagef("--http-timeout %v: want a positive time, such as 30s", cfg.httpIdle)
	}
	if fs.Changed("screenshot") && fs.Changed("output") {
		return nil, usagef("--screenshot and --output are one setting: give one")
	}
	if cfg.screenshot != "" && cfg.screenshot != "-" {
		if _, err := picture.FormatOf(cfg.screenshot); err != nil {
			return nil, usagef("--screenshot %s: %v", cfg.screenshot, strings.TrimPrefix(err.Error(), picture.ErrFormat.Error()+": "))
		}
	}
	// Each mode ignores the others' output flags: refuse the mix rather
	// than drop one silently.
	modes := 0
	for _, on := range []bool{cfg.info, cfg.bench, cfg.screenshot != "", cfg.screenshotDir != "", fs.Changed("thumbnail")} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return nil, usagef("--info, --bench, --screenshot, --screenshot-dir and --thumbnail do not go together")
	}
	if cfg.json && !cfg.info && !cfg.bench {
		return nil, usagef("--json goes with --info or --bench")
	}
	if cfg.check && !cfg.info {
		return nil, usagef("--check goes with --info")
	}
	if fs.Changed("thumbnail") {
		if cfg.thumbnail < 16 || cfg.thumbnail > 4096 {
			return nil, usagef("--thumbnail %d: want a size from 16 to 4096 pixels", cfg.thumbnail)
		}
		if len(cfg.paths) != 2 {
			return nil, usagef("--thumbnail SIZE takes an INPUT file and an OUTPUT picture, as a thumbnailer's Exec line gives them")
		}
	}
	if (cfg.info || cfg.bench || cfg.screenshotDir != "") && len(cfg.paths) == 0 {
		return nil, usagef("give the files or folders to work on")
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
			return nil, usagef("--workers %q: want counts from 1 to 1024, such as 4 or 1,2,4", s)
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
		return nil, usagef("--section %q: want AXIS=OFFSET, such as x=12.5 or z=-3", s)
	}
	return &scene.Section{Axis: i, Offset: float32(v)}, nil
}

// parseSize reads "WxH".
func parseSize(s string) (image.Point, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	x, errX := strconv.Atoi(strings.TrimSpace(w))
	y, errY := strconv.Atoi(strings.TrimSpace(h))
	if !ok || errX != nil || errY != nil || x < 64 || y < 64 || x > 16384 || y > 16384 {
		return image.Point{}, usagef("--size %q: want WxH (or --resolution W,H), such as 1280x800, each from 64 to 16384", s)
	}
	return image.Pt(x, y), nil
}

// parseColor reads "#rrggbb" or "rrggbb", one of a few names, or "r,g,b"
// with each channel from 0 to 1, as f3d takes colours.
func parseColor(s string) (color.RGBA, error) {
	if c, ok := colorNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return c, nil
	}
	if parts := strings.Split(s, ","); len(parts) == 3 {
		var c [3]uint8
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return color.RGBA{}, fmt.Errorf("%q: want channels from 0 to 1, such as 0.2,0.3,0.4", s)
			}
			c[i] = uint8(math.Round(v * 255))
		}
		return color.RGBA{c[0], c[1], c[2], 255}, nil
	}
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		return color.RGBA{}, fmt.Errorf("%q: want #rrggbb, r,g,b from 0 to 1, or a name (%s)", s, strings.Join(colorNameList, ", "))
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
}

var colorNames = map[string]color.RGBA{
	"black": {0, 0, 0, 255}, "white": {255, 255, 255, 255}, "grey": {128, 128, 128, 255}, "gray": {128, 128, 128, 255},
	"red": {220, 50, 47, 255}, "green": {60, 170, 80, 255}, "blue": {50, 110, 220, 255}, "orange": {240, 140, 30, 255},
}

var colorNameList = []string{"black", "white", "grey", "red", "green", "blue", "orange"}
