package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/assets"
	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/explain"
	"github.com/stlview/stlview/internal/lod"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/ui"
)

// runWindow opens the viewer's window and runs it until it is closed. The
// loads start before the window appears, so the first files are in when
// it does. It returns exitFailed when a source failed (each one was
// reported on stderr as it failed) or the window could not open.
func runWindow(cfg *config, stderr io.Writer) int {
	paths, cleanup, err := sourcesOrSamples(cfg.paths)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	defer cleanup()
	workers := cfg.loaderWorkers()
	// The loader's workers and the background rasterizer run niced on
	// threads of their own, each holding a P while it runs: raise
	// GOMAXPROCS so the game always has one too.
	runtime.GOMAXPROCS(2*runtime.NumCPU() + workers)
	budget := cfg.budget()
	// The budget bounds the meshes; keep the garbage collector near it
	// too, so the heap does not grow to twice what is live.
	debug.SetMemoryLimit(budget.Limit() + 256<<20)
	store := asyncload.NewStore(budget)
	if os.Getenv("GOGC") == "" {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go tuneGC(ctx)
	}
	l, err := asyncload.New(asyncload.Config{
		Workers: workers, Indexed: true, Watch: cfg.watch, LowPriority: true,
		Store: store, Preview: previewFaces, HTTPTimeout: cfg.httpIdle,
	})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	defer l.Close()
	var r render.Renderer
	if cfg.renderer != "auto" {
		if r, err = render.New(render.Kind(cfg.renderer)); err != nil {
			fmt.Fprintln(stderr, "stlview:", err)
			return exitUsage
		}
	}
	g := ui.New(ui.Options{
		Loader:        l,
		Store:         store,
		Renderer:      r,
		Calibration:   calibrationPath(),
		Pose:          cfg.pose,
		Background:    cfg.background,
		Color:         cfg.color,
		Wireframe:     cfg.wireframe,
		BackTint:      cfg.backTint,
		Section:       cfg.section,
		Ortho:         cfg.ortho,
		Levels:        buildLevels,
		Smooth:        cfg.smooth,
		Edges:         cfg.edges,
		Crease:        cfg.edgeAngle,
		Grid:          cfg.grid,
		Axes:          cfg.axes,
		Units:         cfg.units,
		Spin:          cfg.spin,
		SpinFrames:    cfg.spinFrames,
		MaxFrames:     cfg.maxFrames,
		ExitAfterLoad: cfg.exitAfterLoad,
		FrameStats:    cfg.frameStats,
		Screenshot:    cfg.screenshot,
		Workers:       workers,
		Started:       started,
		Report: func(source string, err error) {
			fmt.Fprintln(stderr, "stlview:", explain.Line(source, err))
		},
	})
	for _, p := range paths {
		if err := g.Add(p, priorityOf(p)); err != nil {
			fmt.Fprintln(stderr, "stlview:", explain.Line(p, err))
			return exitUsage
		}
	}
	ebiten.SetWindowSize(cfg.size.X, cfg.size.Y)
	ebiten.SetWindowTitle("stlview")
	ebiten.SetWindowIcon(assets.Icons())
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // the 3D layer covers the screen
	err = ebiten.RunGameWithOptions(g, &ebiten.RunGameOptions{X11ClassName: "stlview", X11InstanceName: "stlview"})
	err = errors.Join(err, g.Close())
	if err != nil && !errors.Is(err, ebiten.Termination) {
		fmt.Fprintln(stderr, "stlview:", explain.Error(err))
		return exitFailed
	}
	if c := g.Counts(); c.Failed > 0 {
		fmt.Fprintf(stderr, "stlview: %d of %d %s failed\n", c.Failed, c.Shown, plural(c.Shown, "source", "sources"))
		return exitFailed
	}
	return exitOK
}

// started is when the program started, for the frame report's times from
// launch.
var started = time.Now()

// previewFaces is the size of the rough preview a big binary file shows
// while it decodes: a quarter of a million faces draw in about 15 ms at
// 1024x768 and cover the shape of a 10M-face part (files of more than a
// million faces get one).
const previewFaces = 250_000

// buildLevels builds a mesh's levels of detail on a loader's worker, after
// the load.
func buildLevels(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error) {
	return lod.Build(ctx, m, lod.Options{Workers: workers})
}

// calibrationPath returns where the window remembers which renderer is
// faster on this machine: in the user's cache folder, or nowhere.
func calibrationPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "stlview", "renderer.json")
}

// priorityOf returns the priority of a command-line source: files and URLs
// load before folders, in the order given.
func priorityOf(p string) asyncload.Priority {
	if asyncload.IsURL(p) {
		return asyncload.High
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return asyncload.Normal
	}
	return asyncload.High
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
