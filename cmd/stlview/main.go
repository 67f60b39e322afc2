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
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

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
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(cfg.gcPercent()) // see gc.go
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
