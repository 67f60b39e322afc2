// Command stlview is a 3D viewer for STL files.
//
//	stlview [flags] [PATH|URL ...]
//
// It opens a window that shows the given files (and the STL files under
// given folders) as a gallery while they load in the background; click one
// to look at it alone. With no path it shows the bundled samples. Without
// a window, --info reports on files, --bench measures loading and
// --screenshot writes a picture. Run stlview --help for the flags.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Exit codes.
const (
	exitOK     = 0 // everything loaded
	exitFailed = 1 // a file failed, or the program did
	exitUsage  = 2 // bad flags or arguments
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The heap is mostly meshes: big arrays without pointers, which a
		// collection need not scan, so collecting often costs little. The
		// default lets the heap grow to twice what is live, which for a
		// 10M-face part is 300 MB of garbage on top of its 700 MB.
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// gcPercent is the garbage collector's target: the heap may grow by a
// quarter over what was live at the last collection (measured on the
// 10M-face knot: peak RSS 1040 MB at Go's default of 100, 714 MB at 25,
// load time unchanged).
const gcPercent = 25

// run runs stlview with the given arguments and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if err == errHelp {
			return exitOK
		}
		fmt.Fprintf(stderr, "stlview: %v (see stlview --help)\n", err)
		return exitUsage
	}
	switch {
	case cfg.version:
		fmt.Fprintln(stdout, "stlview", version)
		return exitOK
	case cfg.info:
		return runInfo(cfg, stdout, stderr)
	case cfg.bench:
		return runBench(cfg, stdout, stderr)
	case cfg.thumbnail > 0:
		return runThumbnail(cfg, stderr)
	case cfg.headless():
		return runPicture(cfg, stdout, stderr)
	}
	return runWindow(cfg, stderr)
}

// version is the program's version; the build may set it with
// -ldflags "-X main.version=...".
var version = "0.1.0"
