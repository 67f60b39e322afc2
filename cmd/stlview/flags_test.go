package main

import (
	"image"
	"image/color"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

// defaults returns the config that parseFlags gives for args with no flag.
func defaults(paths ...string) config {
	return config{
		paths:     paths,
		cacheMB:   2048,
		size:      image.Pt(1024, 768),
		renderer:  "auto",
		watch:     true,
		httpIdle:  30 * time.Second,
		detail:    "full",
		edgeAngle: 30,
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		want func(c *config) // changes from defaults("a.stl")
	}{
		{[]string{"a.stl"}, func(c *config) {}},
		{[]string{"-w", "3", "a.stl"}, func(c *config) { c.workers = []int{3} }},
		{[]string{"--workers=1", "a.stl"}, func(c *config) { c.workers = []int{1} }},
		{[]string{"--workers", "1024", "a.stl"}, func(c *config) { c.workers = []int{1024} }},
		{[]string{"--bench", "--workers", "1, 2,4", "a.stl"}, func(c *config) { c.bench, c.workers = true, []int{1, 2, 4} }},
		{[]string{"--cache-mb", "64", "a.stl"}, func(c *config) { c.cacheMB = 64 }},
		{[]string{"--size", "640x480", "a.stl"}, func(c *config) { c.size, c.sizeSet = image.Pt(640, 480), true }},
		{[]string{"--size", "64X16384", "a.stl"}, func(c *config) { c.size, c.sizeSet = image.Pt(64, 16384), true }},
		{[]string{"--renderer", "gpu", "a.stl"}, func(c *config) { c.renderer = "gpu" }},
		{[]string{"--renderer", "cpu", "a.stl"}, func(c *config) { c.renderer = "cpu" }},
		{[]string{"--screenshot", "out.png", "a.stl"}, func(c *config) { c.screenshot = "out.png" }},
		{[]string{"--screenshot-dir", "thumbs", "a.stl"}, func(c *config) { c.screenshotDir = "thumbs" }},
		{[]string{"--view", "front", "a.stl"}, func(c *config) { c.pose.View = scene.Front }},
		{[]string{"--view", "Bottom", "a.stl"}, func(c *config) { c.pose.View = scene.Bottom }},
		{[]string{"--azimuth", "30", "a.stl"}, func(c *config) { c.pose.Angles, c.pose.Azimuth = true, 30 }},
		{[]string{"--elevation", "-45.5", "a.stl"}, func(c *config) { c.pose.Angles, c.pose.Elevation = true, -45.5 }},
		{[]string{"--azimuth", "0", "--elevation", "0", "a.stl"}, func(c *config) { c.pose.Angles = true }},
		{[]string{"--up", "+Y", "a.stl"}, func(c *config) { c.pose.Up = scene.PlusY }},
		{[]string{"--up", "-x", "a.stl"}, func(c *config) { c.pose.Up = scene.MinusX }},
		{[]string{"--up", "Z", "a.stl"}, func(c *config) { c.pose.Up = scene.PlusZ }},
		{[]string{"--background", "#102030", "a.stl"}, func(c *config) { c.background, c.bgSet = color.RGBA{16, 32, 48, 255}, true }},
		{[]string{"--background", "white", "a.stl"}, func(c *config) { c.background, c.bgSet = color.RGBA{255, 255, 255, 255}, true }},
		{[]string{"--background", "000000", "a.stl"}, func(c *config) { c.background, c.bgSet = color.RGBA{0, 0, 0, 255}, true }},
		{[]string{"--bg-color", "white", "a.stl"}, func(c *config) { c.background, c.bgSet = color.RGBA{255, 255, 255, 255}, true }},
		{[]string{"--output", "o.png", "a.stl"}, func(c *config) { c.screenshot = "o.png" }},
		{[]string{"--resolution", "320x200", "a.stl"}, func(c *config) { c.size, c.sizeSet = image.Pt(320, 200), true }},
		{[]string{"--check", "--info", "a.stl"}, func(c *config) { c.info, c.check = true, true }},
		{[]string{"-e", "a.stl"}, func(c *config) { c.edges = true }},
		{[]string{"--edges", "--edge-angle", "45", "a.stl"}, func(c *config) { c.edges, c.edgeAngle = true, 45 }},
		{[]string{"--shading", "smooth", "a.stl"}, func(c *config) { c.smooth = true }},
		{[]string{"--grid", "--axes", "a.stl"}, func(c *config) { c.grid, c.axes = true, true }},
		{[]string{"--transparent", "a.stl"}, func(c *config) { c.transparent = true }},
		{[]string{"--detail", "interactive", "a.stl"}, func(c *config) { c.detail = "interactive" }},
		{[]string{"--http-timeout", "5s", "a.stl"}, func(c *config) { c.httpIdle = 5 * time.Second }},
		{[]string{"--back-tint", "--ortho", "a.stl"}, func(c *config) { c.backTint, c.ortho = true, true }},
		{[]string{"--units", "in", "a.stl"}, func(c *config) { c.units = "in" }},
		{[]string{"--spin-frames", "90", "a.stl"}, func(c *config) { c.spinFrames = 90 }},
		{[]string{"--color", "#FF8000", "a.stl"}, func(c *config) { c.color = mesh.Color{R: 255, G: 128, B: 0, A: 255} }},
		{[]string{"--color", "Black", "a.stl"}, func(c *config) { c.color = mesh.Color{A: 255} }},
		{[]string{"--wireframe", "a.stl"}, func(c *config) { c.wireframe = true }},
		{[]string{"--info", "a.stl"}, func(c *config) { c.info = true }},
		{[]string{"--info", "--json", "a.stl"}, func(c *config) { c.info, c.json = true, true }},
		{[]string{"--bench", "--json", "a.stl"}, func(c *config) { c.bench, c.json = true, true }},
		{[]string{"--frame-stats", "fs.json", "a.stl"}, func(c *config) { c.frameStats = "fs.json" }},
		{[]string{"--exit-after-load", "a.stl"}, func(c *config) { c.exitAfterLoad = true }},
		{[]string{"--spin", "a.stl"}, func(c *config) { c.spin = true }},
		{[]string{"--max-frames", "30", "a.stl"}, func(c *config) { c.maxFrames = 30 }},
		{[]string{"--max-frames", "0", "a.stl"}, func(c *config) {}},
		{[]string{"--watch=false", "a.stl"}, func(c *config) { c.watch = false }},
		{[]string{"--version", "a.stl"}, func(c *config) { c.version = true }},
		{[]string{"a.stl", "b.stl.gz", "--spin"}, func(c *config) { c.paths, c.spin = []string{"a.stl", "b.stl.gz"}, true }},
		{[]string{"--", "a.stl"}, func(c *config) {}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseFlags(tt.args, io.Discard)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			want := defaults("a.stl")
			tt.want(&want)
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("got  %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestParseFlagsNoPath(t *testing.T) {
	// A window, or --screenshot, with no path shows the bundled samples.
	for _, args := range [][]string{nil, {"--screenshot", "x.png"}, {"--spin"}} {
		cfg, err := parseFlags(args, io.Discard)
		if err != nil || len(cfg.paths) != 0 {
			t.Errorf("%q: got %v, %v; want no path and no error", args, cfg, err)
		}
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in the error
	}{
		{[]string{"--bogus", "a.stl"}, "unknown flag"},
		{[]string{"-x", "a.stl"}, "unknown shorthand"},
		{[]string{"--workers"}, "needs an argument"},
		{[]string{"--workers", "0", "a.stl"}, "--workers"},
		{[]string{"--workers", "-2", "a.stl"}, "--workers"},
		{[]string{"--workers", "1025", "a.stl"}, "--workers"},
		{[]string{"--workers", "two", "a.stl"}, "--workers"},
		{[]string{"--bench", "--workers", "1,,2", "a.stl"}, "--workers"},
		{[]string{"--workers", "1,2", "a.stl"}, "only with --bench"},
		{[]string{"--info", "--workers", "1,2", "a.stl"}, "only with --bench"},
		{[]string{"--cache-mb", "0", "a.stl"}, "--cache-mb"},
		{[]string{"--cache-mb", "-5", "a.stl"}, "--cache-mb"},
		{[]string{"--cache-mb", "lots", "a.stl"}, "--cache-mb"},
		{[]string{"--size", "10x10", "a.stl"}, "--size"},
		{[]string{"--size", "640", "a.stl"}, "--size"},
		{[]string{"--size", "640x", "a.stl"}, "--size"},
		{[]string{"--size", "axb", "a.stl"}, "--size"},
		{[]string{"--size", "20000x480", "a.stl"}, "--size"},
		{[]string{"--renderer", "vulkan", "a.stl"}, "--renderer"},
		{[]string{"--renderer", "GPU", "a.stl"}, "--renderer"},
		{[]string{"--view", "sideways", "a.stl"}, "unknown view"},
		{[]string{"--up", "+W", "a.stl"}, "unknown up axis"},
		{[]string{"--up", "", "a.stl"}, "unknown up axis"},
		{[]string{"--azimuth", "north", "a.stl"}, "--azimuth"},
		{[]string{"--azimuth", "NaN", "a.stl"}, "finite"},
		{[]string{"--elevation", "Inf", "a.stl"}, "finite"},
		{[]string{"--background", "#12345", "a.stl"}, "--background"},
		{[]string{"--background", "#gg0000", "a.stl"}, "--background"},
		{[]string{"--background", "purple", "a.stl"}, "--background"},
		{[]string{"--color", "#1234567", "a.stl"}, "--color"},
		{[]string{"--color", "rgb(1,2,3)", "a.stl"}, "--color"},
		{[]string{"--max-frames", "-1", "a.stl"}, "--max-frames"},
		{[]string{"--max-frames", "many", "a.stl"}, "--max-frames"},
		{[]string{"--spin=maybe", "a.stl"}, "--spin"},
		{[]string{"--info"}, "give the files"},
		{[]string{"--info", "--json"}, "give the files"},
		{[]string{"--bench"}, "give the files"},
		{[]string{"--screenshot-dir", "thumbs"}, "give the files"},
		{[]string{"--info", "--bench", "a.stl"}, "do not go together"},
		{[]string{"--info", "--screenshot", "x.png", "a.stl"}, "do not go together"},
		{[]string{"--bench", "--screenshot-dir", "d", "a.stl"}, "do not go together"},
		{[]string{"--screenshot", "x.png", "--screenshot-dir", "d", "a.stl"}, "do not go together"},
		{[]string{"--json", "a.stl"}, "--json goes with"},
		{[]string{"--json", "--screenshot", "x.png", "a.stl"}, "--json goes with"},
		{[]string{"--check", "a.stl"}, "--check goes with"},
		{[]string{"--shading", "gouraud", "a.stl"}, "--shading"},
		{[]string{"--edge-angle", "0", "a.stl"}, "--edge-angle"},
		{[]string{"--edge-angle", "180", "a.stl"}, "--edge-angle"},
		{[]string{"--detail", "low", "a.stl"}, "--detail"},
		{[]string{"--http-timeout", "0s", "a.stl"}, "--http-timeout"},
		{[]string{"--section", "w=3", "a.stl"}, "--section"},
		{[]string{"--section", "x=NaN", "a.stl"}, "--section"},
		{[]string{"--section", "x", "a.stl"}, "--section"},
		{[]string{"--spin-frames", "-3", "a.stl"}, "--spin-frames"},
		{[]string{"--size", "64x64", "--resolution", "64,64", "a.stl"}, "one setting"},
		{[]string{"--background", "red", "--bg-color", "blue", "a.stl"}, "one setting"},
		{[]string{"--screenshot", "a.png", "--output", "b.png", "a.stl"}, "one setting"},
		{[]string{"--screenshot", "a.gif", "a.stl"}, "--screenshot"},
		{[]string{"--thumbnail", "8", "in.stl", "out.png"}, "--thumbnail"},
		{[]string{"--thumbnail", "128", "in.stl"}, "--thumbnail"},
		{[]string{"--thumbnail", "128", "--info", "in.stl", "out.png"}, "do not go together"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cfg, err := parseFlags(tt.args, io.Discard)
			if err == nil {
				t.Fatalf("got %+v, want an error", *cfg)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want one with %q", err, tt.want)
			}
			// Through run, each is a usage error: exit 2 and one message.
			code, out, errOut := runCmd(t, tt.args...)
			if code != exitUsage {
				t.Errorf("run: got exit %d, want %d", code, exitUsage)
			}
			if out != "" || !strings.HasPrefix(errOut, "stlview: ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("run: got stdout %q, stderr %q; want nothing, and one line \"stlview: ...\"", out, errOut)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		var stderr strings.Builder
		if _, err := parseFlags([]string{arg, "a.stl"}, &stderr); err != errHelp {
			t.Errorf("parseFlags(%s): got error %v, want errHelp", arg, err)
		}
		code, out, errOut := runCmd(t, arg)
		if code != exitOK || out != "" {
			t.Errorf("run %s: got exit %d and stdout %q, want 0 and nothing", arg, code, out)
		}
		if errOut != stderr.String() {
			t.Errorf("run %s printed other help than parseFlags", arg)
		}
		for _, s := range []string{"Usage:", "stlview --info", "--screenshot-dir", "-w, --workers", "--renderer", "--frame-stats", "--exit-after-load", "--max-frames", "--version", "-h, --help"} {
			if !strings.Contains(errOut, s) {
				t.Errorf("help lacks %q:\n%s", s, errOut)
			}
		}
	}
}

func TestHeadless(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"a.stl"}, false},
		{[]string{"--screenshot", "x.png"}, true},
		{[]string{"--renderer", "cpu", "--screenshot", "x.png"}, true},
		{[]string{"--renderer", "gpu", "--screenshot", "x.png"}, false},
		{[]string{"--renderer", "gpu", "a.stl"}, false},
		{[]string{"--screenshot-dir", "d", "a.stl"}, true},
	}
	for _, tt := range tests {
		cfg, err := parseFlags(tt.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.headless(); got != tt.want {
			t.Errorf("%q: headless() = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestLoaderWorkers(t *testing.T) {
	if got := (&config{}).loaderWorkers(); got != runtime.NumCPU() {
		t.Errorf("default: got %d workers, want NumCPU = %d", got, runtime.NumCPU())
	}
	if got := (&config{workers: []int{3}}).loaderWorkers(); got != 3 {
		t.Errorf("-w 3: got %d workers, want 3", got)
	}
}

func TestGCPercentFor(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{{0, gcPercent}, {bigHeap, gcPercent}, {bigHeap + 1, bigGCPercent}, {8 << 30, bigGCPercent}} {
		if got := gcPercentFor(tt.live); got != tt.want {
			t.Errorf("gcPercentFor(%d) = %d, want %d", tt.live, got, tt.want)
		}
	}
}
