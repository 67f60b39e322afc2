package asyncload

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stlview/stlview/internal/stltest"
)

func TestFindSTL(t *testing.T) {
	t.Parallel()
	file := &fstest.MapFile{Data: []byte("solid x\nendsolid x\n")}
	fsys := fstest.MapFS{
		"models/b.stl":             file,
		"models/a.STL":             file,
		"models/c.stl.gz":          file,
		"models/readme.txt":        file,
		"models/stl":               file,
		"models/x.stl.zip":         file,
		"models/sub/deep/z.Stl":    file,
		"models/sub/y.stl":         file,
		"models/dir.stl/inner.stl": file,
		"other/o.stl":              file,
		"top.stl":                  file,
	}
	tests := []struct {
		root string
		want []string
	}{
		{"models", []string{
			"models/a.STL", "models/b.stl", "models/c.stl.gz",
			"models/dir.stl/inner.stl", "models/sub/deep/z.Stl", "models/sub/y.stl",
		}},
		{"models/sub", []string{"models/sub/deep/z.Stl", "models/sub/y.stl"}},
		{".", []string{
			"models/a.STL", "models/b.stl", "models/c.stl.gz",
			"models/dir.stl/inner.stl", "models/sub/deep/z.Stl", "models/sub/y.stl",
			"other/o.stl", "top.stl",
		}},
		{"top.stl", []string{"top.stl"}},
		{"models/readme.txt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			got, err := FindSTL(fsys, tt.root)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("missing root", func(t *testing.T) {
		if _, err := FindSTL(fsys, "nowhere"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want fs.ErrNotExist", err)
		}
	})
}

// symlink makes a symbolic link or skips the test where it cannot.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func TestFolderSymlinkLoop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stltest.WriteTorus(t, dir, "a/x.stl", 4)
	stltest.WriteTorus(t, dir, "a/sub/y.stl.gz", 4)
	stltest.WriteTorus(t, dir, "c/z.stl", 4)
	symlink(t, "..", filepath.Join(dir, "a", "sub", "up"))                 // loop: a/sub/up -> a
	symlink(t, dir, filepath.Join(dir, "a", "root"))                       // loop: a/root -> the folder itself
	symlink(t, filepath.Join(dir, "a"), filepath.Join(dir, "b"))           // b -> a, walked already
	symlink(t, filepath.Join(dir, "c"), filepath.Join(dir, "a", "linked")) // a/linked -> c, reached first here
	symlink(t, "nowhere", filepath.Join(dir, "a", "dangling.stl"))

	want := []string{"a/linked/z.stl", "a/sub/y.stl.gz", "a/x.stl"}
	got, err := FindSTL(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("FindSTL: got %v, want %v", got, want)
	}

	l := newLoader(t, Config{Workers: 2})
	// The folder's own files are written as plain STL; the .stl.gz one is
	// not compressed, which the decoder accepts (it goes by magic bytes).
	r := wait(t, queue(t, l, dir, High, QueueOptions{}))
	if r.State != Completed || r.Mesh != nil {
		t.Fatalf("folder: got %v (%v), mesh %v; want completed without a mesh", r.State, r.Err, r.Mesh)
	}
	if len(r.Children) != len(want) {
		t.Fatalf("folder: got %d children, want %d", len(r.Children), len(want))
	}
	for i, h := range r.Children {
		if wantSrc := filepath.Join(dir, filepath.FromSlash(want[i])); h.Source() != wantSrc {
			t.Errorf("child %d: got %s, want %s", i, h.Source(), wantSrc)
		}
		if r := wait(t, h); r.State != Completed {
			t.Errorf("child %s: got %v (%v), want completed", h.Source(), r.State, r.Err)
		}
	}
	// The folder's Result comes before its children's.
	rs := pollN(t, l, 1+len(want))
	if rs[0].Handle.Source() != dir {
		t.Errorf("first result: got %s, want the folder", rs[0].Source)
	}
}

func TestFolderErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stltest.WriteFile(t, dir, "empty/readme.txt", []byte("no models here"))
	l := newLoader(t, Config{Workers: 1})
	r := wait(t, queue(t, l, filepath.Join(dir, "empty"), Normal, QueueOptions{Fallback: true}))
	if r.State != Failed || !errors.Is(r.Err, ErrNoSTL) || r.Mesh != nil {
		t.Errorf("empty folder: got %v, %v, mesh %v; want failed, ErrNoSTL, no mesh (no fallback for folders)", r.State, r.Err, r.Mesh)
	}
}

// TestFolderStaysInside: links that lead out of the folder given are not
// followed but counted; links within it are followed.
func TestFolderStaysInside(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "parts")
	stltest.WriteTorus(t, parent, "outside.stl", 4)
	stltest.WriteTorus(t, parent, "elsewhere/far.stl", 4)
	stltest.WriteTorus(t, dir, "a.stl", 4)
	stltest.WriteTorus(t, dir, "sub/b.stl", 4)
	symlink(t, "..", filepath.Join(dir, "up"))                                  // the parent folder
	symlink(t, filepath.Join(parent, "elsewhere"), filepath.Join(dir, "far"))   // a folder beside it
	symlink(t, "../outside.stl", filepath.Join(dir, "outside.stl"))             // a file beside it
	symlink(t, filepath.Join(dir, "sub", "b.stl"), filepath.Join(dir, "c.stl")) // a file inside: followed
	symlink(t, "sub", filepath.Join(dir, "same"))                               // a folder inside: followed
	symlink(t, "../notes.txt", filepath.Join(dir, "notes.txt"))                 // not an STL name: ignored, not counted

	l := newLoader(t, Config{Workers: 2})
	r := wait(t, queue(t, l, dir, High, QueueOptions{}))
	if r.State != Completed {
		t.Fatalf("got %v (%v), want completed", r.State, r.Err)
	}
	var got []string
	for _, h := range r.Children {
		rel, _ := filepath.Rel(dir, h.Source())
		got = append(got, filepath.ToSlash(rel))
		wait(t, h)
	}
	// same and sub are one folder, walked once, under the first name.
	want := []string{"a.stl", "c.stl", "same/b.stl"}
	if !slices.Equal(got, want) {
		t.Errorf("got files %v, want %v", got, want)
	}
	if r.Skipped != 3 {
		t.Errorf("got %d links skipped, want 3 (up, far, outside.stl)", r.Skipped)
	}
}
