package ui

import (
	"io/fs"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/asyncload"
)

// drop is what one drop on the window brought.
type drop struct {
	files   []string // STL files, by real path where the file system gives one
	ignored []string // dropped files that are not STL files, by name
	err     error    // folders that could not be read
}

// droppedFiles returns what a dropped file system (ebiten.DroppedFiles)
// holds: the dropped STL files and those in dropped folders, recursively,
// in the order asyncload.FindSTL walks them, and the dropped files that
// are not STL files. Each file is named by its real path where the file
// system gives one (ebiten.AbsPather, on desktops), else by its path in
// fsys. It does I/O: call it off the game goroutine. The error joins
// those of unreadable folders; the files found elsewhere are still
// returned.
func droppedFiles(fsys fs.FS) drop {
	var d drop
	names, err := asyncload.FindSTL(fsys, ".")
	for _, name := range names {
		d.files = append(d.files, realPath(fsys, name))
	}
	d.err = err
	top, _ := fs.ReadDir(fsys, ".")
	for _, e := range top {
		if !e.IsDir() && !asyncload.IsSTLName(e.Name()) {
			d.ignored = append(d.ignored, e.Name())
		}
	}
	return d
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
// takes what it found with poll. Only the game goroutine may call its
// methods.
type dropWatcher struct {
	found chan drop
}

func newDropWatcher() *dropWatcher { return &dropWatcher{found: make(chan drop, 8)} }

// check starts walking the files dropped since the last tick, if any.
func (d *dropWatcher) check() {
	fsys := ebiten.DroppedFiles()
	if fsys == nil {
		return
	}
	go func() { d.found <- droppedFiles(fsys) }()
}

// poll returns what a finished walk found, and false when none has.
func (d *dropWatcher) poll() (drop, bool) {
	select {
	case dr := <-d.found:
		return dr, true
	default:
		return drop{}, false
	}
}
