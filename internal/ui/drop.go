package ui

import (
	"io/fs"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
)

// droppedFiles returns the STL files in a dropped file system (what
// ebiten.DroppedFiles returns): the dropped files themselves and those in
// dropped folders, recursively, in the order asyncload.FindSTL walks them.
// Each is named by its real path where the file system gives one
// (ebiten.AbsPather, on desktops), else by its path in fsys. It does I/O:
// call it off the game goroutine. The error joins those of unreadable
// folders; the files found elsewhere are still returned.
func droppedFiles(fsys fs.FS) ([]string, error) {
	names, err := asyncload.FindSTL(fsys, ".")
	for i, name := range names {
		names[i] = realPath(fsys, name)
	}
	return names, err
}

// realPath returns the real path of name in fsys, or name itself.
func realPath(fsys fs.FS, name string) string {
	f, err := fsys.Open(name)
	if err != nil {
		return name
	}
	defer f.Close()
	if ap, ok := f.(ebiten.AbsPather); ok {
		return ap.AbsPath()
	}
	return name
}

// dropWatcher turns drops into sources for the library without blocking
// the game: each drop is walked on a goroutine of its own, and the game
// takes the files found with poll. Only the game goroutine may call its
// methods.
type dropWatcher struct {
	found chan []string
	errs  chan error
}

func newDropWatcher() *dropWatcher {
	return &dropWatcher{found: make(chan []string, 8), errs: make(chan error, 8)}
}

// check starts walking the files dropped since the last tick, if any.
func (d *dropWatcher) check() {
	fsys := ebiten.DroppedFiles()
	if fsys == nil {
		return
	}
	go func() {
		files, err := droppedFiles(fsys)
		if err != nil {
			d.errs <- err
		}
		d.found <- files
	}()
}

// poll returns the files of a finished walk, or nil, and an error of one.
func (d *dropWatcher) poll() ([]string, error) {
	var err error
	select {
	case err = <-d.errs:
	default:
	}
	select {
	case files := <-d.found:
		return files, err
	default:
		return nil, err
	}
}
