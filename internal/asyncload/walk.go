package asyncload

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// FindSTL returns the STL files at or under root in fsys: names ending in
// .stl or .stl.gz, in any case. If root is a file, the result is root
// itself when it has such a name. Directories are walked depth first with
// each one's entries sorted by name, as fs.WalkDir does, and the names
// returned are fsys paths (slash-separated, starting with root).
//
// Unlike fs.WalkDir, FindSTL follows symbolic links to directories when it
// can tell directories apart: when fsys reports device and inode numbers
// (os.DirFS on Unix does) it walks
// each directory once, however many links lead to it, so link loops end.
// Where fsys does not report them, links to directories are skipped.
//
// Directories that cannot be read are skipped; the error joins their
// errors, and the files found elsewhere are still returned. The caller owns
// the returned slice. FindSTL does I/O: do not call it on the render thread
// with a slow file system (the Loader calls it on a worker).
func FindSTL(fsys fs.FS, root string) ([]string, error) {
	return findSTL(context.Background(), fsys, root)
}

// findSTL is FindSTL, stopping with ctx's error once ctx is done.
func findSTL(ctx context.Context, fsys fs.FS, root string) ([]string, error) {
	w := walker{ctx: ctx, fsys: fsys}
	return w.find(root)
}

// walker holds the state of one FindSTL walk. Set ctx and fsys, and
// confine to keep the walk inside a folder on disk, then call find once.
type walker struct {
	ctx  context.Context
	fsys fs.FS
	// confine, when set, is the folder on disk that fsys is (os.DirFS):
	// symbolic links whose targets lie outside it are not followed, and
	// counted in skipped.
	confine string
	realDir string // confine with its own links resolved

	seen    map[fileID]bool // directories entered, by device and inode
	files   []string
	errs    []error // directories that could not be read
	skipped int     // links that lead out of confine
}

// find walks from root; see FindSTL.
func (w *walker) find(root string) ([]string, error) {
	fi, err := fs.Stat(w.fsys, root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		if fi.Mode().IsRegular() && IsSTLName(root) {
			return []string{root}, nil
		}
		return nil, nil
	}
	if w.confine != "" {
		if w.realDir, err = filepath.EvalSymlinks(w.confine); err != nil {
			return nil, err
		}
	}
	w.seen = make(map[fileID]bool)
	if err := w.dir(root, fi); err != nil {
		return w.files, err
	}
	return w.files, errors.Join(w.errs...)
}

// inside reports whether the link at fsys path name leads to a place
// inside the confining folder (always, with no confine).
func (w *walker) inside(name string) bool {
	if w.confine == "" {
		return true
	}
	target, err := filepath.EvalSymlinks(filepath.Join(w.confine, filepath.FromSlash(name)))
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(w.realDir, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// dir collects the STL files under the directory name, whose info is fi.
// It returns only ctx's error; other errors are collected in w.errs.
func (w *walker) dir(name string, fi fs.FileInfo) error {
	if id, ok := idOf(fi); ok {
		if w.seen[id] {
			return nil // reached again through a link: walked already
		}
		w.seen[id] = true
	}
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := fs.ReadDir(w.fsys, name)
	if err != nil {
		w.errs = append(w.errs, err) // entries holds what was read before the error
	}
	for _, e := range entries {
		child := path.Join(name, e.Name())
		info, err := w.follow(child, e)
		if err != nil {
			w.errs = append(w.errs, err)
			continue
		}
		if info == nil {
			continue
		}
		switch {
		case info.IsDir():
			if err := w.dir(child, info); err != nil {
				return err
			}
		case info.Mode().IsRegular() && IsSTLName(e.Name()):
			w.files = append(w.files, child)
		}
	}
	return nil
}

// follow returns the info of the entry e at name, following a symbolic
// link. It returns nil for what the walk leaves alone: a dangling link, a
// link to a directory that cannot be told apart from others, or an entry
// that is neither a directory nor a possible STL file.
func (w *walker) follow(name string, e fs.DirEntry) (fs.FileInfo, error) {
	switch t := e.Type(); {
	case t.IsDir():
		return e.Info()
	case t.IsRegular():
		if !IsSTLName(e.Name()) {
			return nil, nil // no need for its info
		}
		return e.Info()
	case t&fs.ModeSymlink == 0:
		return nil, nil // a device, pipe or socket
	}
	info, err := fs.Stat(w.fsys, name) // follows the link
	if err != nil {
		return nil, nil // dangling: nothing to load there
	}
	if !info.IsDir() && !IsSTLName(e.Name()) {
		return nil, nil
	}
	if !w.inside(name) {
		w.skipped++ // out of the folder given: not followed
		return nil, nil
	}
	if _, ok := idOf(info); info.IsDir() && !ok {
		return nil, nil // without an identity, a loop could not be seen
	}
	return info, nil
}

// IsSTLName reports whether name ends in .stl or .stl.gz, in any case: the
// names FindSTL and folder loads pick.
func IsSTLName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".stl") || strings.HasSuffix(n, ".stl.gz")
}
