package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render"
	"github.com/stlview/stlview/internal/ui"
)

// runWindow opens the viewer's window and runs it until it is closed.
func runWindow(cfg *config, stderr io.Writer) int {
	paths, cleanup, err := sourcesOrSamples(cfg.paths)
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	defer cleanup()
	workers := cfg.loaderWorkers()
	// The workers run niced on threads of their own (LowPriority), each
	// holding a P: raise GOMAXPROCS so the game always has one too.
	runtime.GOMAXPROCS(runtime.NumCPU() + workers)
	l, err := asyncload.New(asyncload.Config{Workers: workers, Indexed: true, Watch: cfg.watch, LowPriority: true})
	if err != nil {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	defer l.Close()
	budget := int64(cfg.cacheMB) << 20
	var r render.Renderer
	if cfg.renderer != "auto" {
		if r, err = render.New(render.Kind(cfg.renderer)); err != nil {
			fmt.Fprintln(stderr, "stlview:", err)
			return exitUsage
		}
	}
	g := ui.New(ui.Options{
		Loader:        l,
		Cache:         asyncload.NewCache(l, budget),
		MemoryBudget:  budget,
		Renderer:      r,
		Pose:          cfg.pose,
		Background:    cfg.background,
		Color:         cfg.color,
		Wireframe:     cfg.wireframe,
		Spin:          cfg.spin,
		MaxFrames:     cfg.maxFrames,
		ExitAfterLoad: cfg.exitAfterLoad,
		FrameStats:    cfg.frameStats,
		Screenshot:    cfg.screenshot,
		Workers:       workers,
	})
	for _, p := range paths {
		if err := g.Add(p, priorityOf(p)); err != nil {
			fmt.Fprintln(stderr, "stlview:", err)
			return exitUsage
		}
	}
	ebiten.SetWindowSize(cfg.size.X, cfg.size.Y)
	ebiten.SetWindowTitle("stlview")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // the 3D layer covers the screen
	err = ebiten.RunGame(g)
	err = errors.Join(err, g.Close())
	if err != nil && !errors.Is(err, ebiten.Termination) {
		fmt.Fprintln(stderr, "stlview:", err)
		return exitFailed
	}
	if cfg.screenshot != "" && g.Failed() > 0 {
		return exitFailed
	}
	return exitOK
}

// priorityOf returns the priority of a command-line source: files and URLs
// load before folders, in the order given.
func priorityOf(p string) asyncload.Priority {
	if strings.HasPrefix(strings.ToLower(p), "http://") || strings.HasPrefix(strings.ToLower(p), "https://") {
		return asyncload.High
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return asyncload.Normal
	}
	return asyncload.High
}
