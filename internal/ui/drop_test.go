package ui

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"testing"
	"testing/fstest"
)

// dropped is what a drop of files and folders looks like to the game:
// the dropped items at the root, folders with their contents.
func dropped() fstest.MapFS {
	stl := &fstest.MapFile{Data: []byte("solid x\nendsolid x\n")}
	return fstest.MapFS{
		"b.stl":                    stl,
		"a.STL":                    stl,
		"c.stl.gz":                 stl,
		"notes.txt":                stl,
		"model.obj":                stl,
		"stl":                      stl, // no extension at all
		"x.stl.bak":                stl,
		"dev.stl":                  {Mode: fs.ModeDevice},
		"link.stl":                 {Mode: fs.ModeSymlink, Data: []byte("b.stl")},
		"dangling.stl":             {Mode: fs.ModeSymlink, Data: []byte("gone.stl")},
		"empty":                    {Mode: fs.ModeDir},
		"folder.stl/inner.stl":     stl, // a folder named like a file
		"parts/z.stl":              stl,
		"parts/x.Stl.GZ":           stl,
		"parts/readme.md":          stl,
		"parts/inner/y.stl":        stl,
		"parts/inner/deeper/w.stl": stl,
	}
}

func TestDroppedFiles(t *testing.T) {
	notSTL := []string{"model.obj", "notes.txt", "stl", "x.stl.bak"}
	for _, tt := range []struct {
		name    string
		fsys    fs.FS
		want    []string
		ignored []string
		err     error
	}{
		{
			name: "files and folders",
			fsys: dropped(),
			want: []string{
				"a.STL", "b.stl", "c.stl.gz",
				"folder.stl/inner.stl",
				"link.stl",
				"parts/inner/deeper/w.stl", "parts/inner/y.stl", "parts/x.Stl.GZ", "parts/z.stl",
			},
			ignored: notSTL,
		},
		{
			name: "one file",
			fsys: fstest.MapFS{"gear.stl": {Data: []byte("x")}},
			want: []string{"gear.stl"},
		},
		{
			name:    "nothing to load",
			fsys:    fstest.MapFS{"readme.txt": {}, "empty": {Mode: fs.ModeDir}},
			want:    nil,
			ignored: []string{"readme.txt"},
		},
		{
			name: "an unreadable folder",
			fsys: lockedFS{dropped(), "parts/inner"},
			want: []string{
				"a.STL", "b.stl", "c.stl.gz",
				"folder.stl/inner.stl",
				"link.stl",
				"parts/x.Stl.GZ", "parts/z.stl",
			},
			ignored: notSTL,
			err:     fs.ErrPermission,
		},
		{
			name: "real paths where the file system has them",
			fsys: absFS{fstest.MapFS{"a.stl": {}, "sub/b.stl": {}}, "/home/me/Downloads"},
			want: []string{"/home/me/Downloads/a.stl", "/home/me/Downloads/sub/b.stl"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := droppedFiles(tt.fsys)
			if !slices.Equal(d.files, tt.want) {
				t.Errorf("got %q, want %q", d.files, tt.want)
			}
			if !slices.Equal(d.ignored, tt.ignored) {
				t.Errorf("ignored %q, want %q", d.ignored, tt.ignored)
			}
			if tt.err == nil && d.err != nil || tt.err != nil && !errors.Is(d.err, tt.err) {
				t.Errorf("got error %v, want %v", d.err, tt.err)
			}
		})
	}
}

// lockedFS is a MapFS whose folder locked cannot be listed.
type lockedFS struct {
	fstest.MapFS
	locked string
}

func (l lockedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == l.locked {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return l.MapFS.ReadDir(name)
}

// absFS is a MapFS whose files know their real path under root, as
// Ebitengine's dropped files do (ebiten.AbsPather).
type absFS struct {
	fstest.MapFS
	root string
}

func (a absFS) Open(name string) (fs.File, error) {
	f, err := a.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return absFile{f, path.Join(a.root, name)}, nil
}

type absFile struct {
	fs.File
	abs string
}

func (f absFile) AbsPath() string { return f.abs }
