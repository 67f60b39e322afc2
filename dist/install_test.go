package dist

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// iconSizes are the hicolor sizes make install puts a PNG icon in.
var iconSizes = []string{"16", "24", "32", "48", "64", "128", "256", "512"}

// wantFile is one file make install puts under PREFIX, where it comes
// from in the repository ("" for the binary) and its mode.
type wantFile struct {
	path, source string
	mode         fs.FileMode
}

// wantFiles lists every file make install puts under PREFIX.
func wantFiles() []wantFile {
	w := []wantFile{
		{"bin/stlview", "", 0o755},
		{"share/applications/stlview.desktop", "dist/stlview.desktop", 0o644},
		{"share/mime/packages/stlview.xml", "dist/stlview.xml", 0o644},
		{"share/thumbnailers/stlview.thumbnailer", "dist/stlview.thumbnailer", 0o644},
		{"share/icons/hicolor/scalable/apps/stlview.svg", "assets/icons/stlview.svg", 0o644},
	}
	for _, s := range iconSizes {
		w = append(w, wantFile{"share/icons/hicolor/" + s + "x" + s + "/apps/stlview.png", "assets/icons/stlview-" + s + ".png", 0o644})
	}
	return w
}

// files returns the regular files under dir, slash-separated and
// relative to it, with their modes; anything else but folders is an
// error.
func files(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	got := map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			t.Errorf("%s: got a %v, want only files and folders", rel, info.Mode().Type())
		}
		got[filepath.ToSlash(rel)] = info.Mode().Perm()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestInstallUninstall runs make install into a DESTDIR with PREFIX=/usr:
// every file in place with its mode and its source's bytes, nothing else
// (no caches: under DESTDIR a package runs the updaters); make uninstall
// with the same DESTDIR then leaves no file behind.
func TestInstallUninstall(t *testing.T) {
	destdir := t.TempDir()
	out := runMake(t, nil, "DESTDIR="+destdir, "PREFIX=/usr", "install")
	for _, tool := range []string{"update-mime-database", "update-desktop-database", "gtk-update-icon-cache"} {
		if strings.Contains(out, tool) {
			t.Errorf("make install with DESTDIR ran %s, want the caches left to the package:\n%s", tool, out)
		}
	}
	got := files(t, destdir)
	var want []string
	for _, f := range wantFiles() {
		p := "usr/" + f.path
		want = append(want, p)
		mode, ok := got[p]
		if !ok {
			t.Errorf("%s: not installed", p)
			continue
		}
		if mode != f.mode {
			t.Errorf("%s: got mode %v, want %v", p, mode, f.mode)
		}
		src := f.source
		if src == "" {
			src = stlviewBinary(t)
		} else {
			src = filepath.Join(root, src)
		}
		if !sameBytes(t, src, filepath.Join(destdir, p)) {
			t.Errorf("%s: differs from %s", p, src)
		}
	}
	for p := range got {
		if !slices.Contains(want, p) {
			t.Errorf("%s: installed, want only the listed files", p)
		}
	}

	runMake(t, nil, "DESTDIR="+destdir, "PREFIX=/usr", "uninstall")
	for p := range files(t, destdir) {
		t.Errorf("%s: left behind by make uninstall", p)
	}
}

// sameBytes reports whether the files a and b hold the same bytes.
func sameBytes(t *testing.T, a, b string) bool {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// TestInstallCaches installs without DESTDIR into a scratch PREFIX, as a
// user's make install PREFIX=~/.local does: the MIME database and the
// desktop files' MIME cache then know stlview, and the icon cache is made
// (where gtk-update-icon-cache is installed) only where the theme already
// has an index; uninstall brings them back
// to knowing nothing of it.
func TestInstallCaches(t *testing.T) {
	for _, tool := range []string{"update-mime-database", "update-desktop-database"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian packages shared-mime-info and desktop-file-utils): not testing the caches", tool)
		}
	}
	_, err := exec.LookPath("gtk-update-icon-cache")
	iconTool := err == nil
	tests := []struct {
		name      string
		themed    bool // the prefix's hicolor theme has an index.theme
		iconCache bool
	}{
		{"a user's prefix", false, false},
		{"a prefix with the hicolor theme", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "local")
			hicolor := filepath.Join(prefix, "share", "icons", "hicolor")
			if tt.themed {
				theme := "[Icon Theme]\nName=Hicolor\nComment=Fallback icon theme\nDirectories=256x256/apps\n\n[256x256/apps]\nSize=256\nContext=Applications\nType=Threshold\n"
				if err := os.MkdirAll(hicolor, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(hicolor, "index.theme"), []byte(theme), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			runMake(t, []string{noFsync}, "PREFIX="+prefix, "install")
			globs := filepath.Join(prefix, "share", "mime", "globs2")
			mimeinfo := filepath.Join(prefix, "share", "applications", "mimeinfo.cache")
			if !contains(t, globs, "model/stl:*.stl") {
				t.Errorf("%s does not map *.stl to model/stl", globs)
			}
			if !contains(t, mimeinfo, "model/stl=stlview.desktop;") {
				t.Errorf("%s does not name stlview.desktop for model/stl", mimeinfo)
			}
			cache := filepath.Join(hicolor, "icon-theme.cache")
			if _, err := os.Stat(cache); (err == nil) != (tt.iconCache && iconTool) {
				t.Errorf("icon cache there: %v, want %v (gtk-update-icon-cache installed: %v)", err == nil, tt.iconCache && iconTool, iconTool)
			}

			runMake(t, []string{noFsync}, "PREFIX="+prefix, "uninstall")
			if contains(t, globs, "model/stl") {
				t.Errorf("%s still maps model/stl after uninstall", globs)
			}
			if contains(t, mimeinfo, "stlview.desktop") {
				t.Errorf("%s still names stlview.desktop after uninstall", mimeinfo)
			}
			for _, f := range wantFiles() {
				if _, err := os.Lstat(filepath.Join(prefix, f.path)); err == nil {
					t.Errorf("%s: left behind by make uninstall", f.path)
				}
			}
		})
	}
}

// contains reports whether the file at path holds s; a missing file holds
// nothing.
func contains(t *testing.T, path, s string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(data), s)
}

// TestInstallTildePrefix checks that PREFIX=~/.local means the home
// folder's .local even where the shell leaves the tilde to make (zsh).
func TestInstallTildePrefix(t *testing.T) {
	home := t.TempDir()
	out := runMake(t, []string{"HOME=" + home}, "-n", "PREFIX=~/.local", "install")
	if want := filepath.Join(home, ".local", "bin", "stlview"); !strings.Contains(out, want) {
		t.Errorf("make -n install PREFIX=~/.local with HOME=%s does not install %s:\n%s", home, want, out)
	}
	if strings.Contains(out, "~") {
		t.Errorf("make -n install PREFIX=~/.local still has a tilde:\n%s", out)
	}
}

// TestUninstallNotInstalled runs make uninstall for a PREFIX that was
// never installed to: it succeeds and makes nothing there.
func TestUninstallNotInstalled(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "never")
	runMake(t, nil, "PREFIX="+prefix, "uninstall")
	if _, err := os.Lstat(prefix); err == nil {
		t.Errorf("make uninstall made %s", prefix)
	}
}
