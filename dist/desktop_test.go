package dist

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mimeTypes are the types stlview opens and thumbnails: model/stl under
// its names in use, and the gzip-compressed variant.
var mimeTypes = []string{"model/stl", "model/x.stl-ascii", "model/x.stl-binary", "application/sla", "model/x.stl-gzip"}

// TestDesktopFile checks the desktop entry: valid for
// desktop-file-validate, and the keys the desktop relies on.
func TestDesktopFile(t *testing.T) {
	path := filepath.Join(root, "dist", "stlview.desktop")
	t.Run("desktop-file-validate", func(t *testing.T) {
		tool, err := exec.LookPath("desktop-file-validate")
		if err != nil {
			t.Skip("desktop-file-validate is not installed (Debian package desktop-file-utils; make test installs it)")
		}
		// It prints hints and errors and exits 1 on an error; a hint is
		// worth fixing too.
		out, err := exec.Command(tool, path).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
		}
	})
	kf, err := readKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := kf["Desktop Entry"]
	if !ok {
		t.Fatal("no [Desktop Entry] group")
	}
	tests := []struct{ key, want string }{
		{"Type", "Application"},
		{"Name", "stlview"},
		{"Exec", "stlview %F"}, // files and folders, as paths
		{"TryExec", "stlview"},
		{"Icon", "stlview"},
		{"Terminal", "false"},
		// The window's X11 class and instance are stlview.
		{"StartupWMClass", "stlview"},
		{"Categories", "Graphics;3DGraphics;Viewer;"},
		{"MimeType", strings.Join(mimeTypes, ";") + ";"},
	}
	for _, tt := range tests {
		if got := e[tt.key]; got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.key, got, tt.want)
		}
	}
}

// TestThumbnailerFile checks the thumbnailer entry: its group, TryExec,
// an Exec line that runs stlview's thumbnailer mode with the size, input
// and output, and the same types as the desktop entry.
func TestThumbnailerFile(t *testing.T) {
	kf, err := readKeyFile(filepath.Join(root, "dist", "stlview.thumbnailer"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kf) != 1 {
		t.Errorf("got %d groups, want 1", len(kf))
	}
	e, ok := kf["Thumbnailer Entry"]
	if !ok {
		t.Fatal("no [Thumbnailer Entry] group")
	}
	if got := e["TryExec"]; got != "stlview" {
		t.Errorf("TryExec: got %q, want stlview", got)
	}
	argv := strings.Fields(e["Exec"])
	if want := []string{"stlview", "--thumbnail", "%s", "%i", "%o"}; !slices.Equal(argv, want) {
		t.Errorf("Exec: got %q, want %q", argv, want)
	}
	desktop, err := readKeyFile(filepath.Join(root, "dist", "stlview.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := list(e["MimeType"]), list(desktop["Desktop Entry"]["MimeType"]); !slices.Equal(got, want) {
		t.Errorf("MimeType: got %q, want the desktop entry's %q", got, want)
	}
}
