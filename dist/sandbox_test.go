package dist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/stltest"
)

// The paths inside the sandbox that GNOME gives the thumbnailer: the
// output folder is bound at /tmp, and the input beside it under a fixed
// name that keeps the input's extension.
const (
	sandboxOut   = "/tmp/gnome-desktop-thumbnailer.png"
	sandboxInTpl = "/tmp/gnome-desktop-file-to-thumbnail.%s"
)

// gnomeSandbox returns bwrap's arguments up to the command, as
// gnome-desktop's gnome-desktop-thumbnail-script.c (add_bwrap) builds
// them, for a thumbnailer installed in destdir rather than in /usr:
//
//   - /usr read-only and /etc/ld.so.cache, nothing else of /etc;
//   - /bin, /lib, /lib64 and /sbin as symlinks into /usr where the host
//     has merged them, else bound read-only;
//   - a new /proc and a minimal /dev (no GPU device), / as the working
//     folder, every namespace unshared (no network), and bwrap dying with
//     its parent;
//   - the output folder read-write at /tmp, the input read-only in it.
//
// Stricter than GNOME, which passes its own environment on, the
// environment is empty (--clearenv): no DISPLAY, no HOME, no PATH, so
// bwrap looks the command up in the C library's default path, /bin:/usr/bin.
// GNOME also adds a seccomp filter, which is left out here.
//
// Because stlview is installed into destdir, not the real /usr, the
// installed usr/bin is bound over /usr/bin: bwrap cannot bind a single
// file to /usr/bin/stlview, which does not exist in the read-only /usr.
// That folder holds stlview alone, so the command finds the installed
// binary and nothing else of the host's /usr/bin.
func gnomeSandbox(destdir, input, outdir string) []string {
	args := []string{"--ro-bind", "/usr", "/usr"}
	if _, err := os.Stat("/etc/ld.so.cache"); err == nil {
		args = append(args, "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache")
	}
	for _, d := range []string{"bin", "lib64", "lib", "sbin"} {
		abs := "/" + d
		info, err := os.Stat(abs)
		if err != nil {
			continue
		}
		if usr, err := os.Stat("/usr/" + d); err == nil && os.SameFile(info, usr) {
			args = append(args, "--symlink", "/usr/"+d, abs)
		} else {
			args = append(args, "--ro-bind", abs, abs)
		}
	}
	args = append(args,
		"--proc", "/proc",
		"--dev", "/dev",
		"--chdir", "/",
		"--unshare-all",
		"--die-with-parent",
		"--clearenv",
	)
	if destdir != "" {
		args = append(args, "--ro-bind", filepath.Join(destdir, "usr", "bin"), "/usr/bin")
	}
	if outdir != "" {
		args = append(args, "--bind", outdir, "/tmp")
	}
	if input != "" {
		args = append(args, "--ro-bind", input, sandboxIn(input))
	}
	return args
}

// sandboxIn is where GNOME puts input in the sandbox: its extension
// after the last dot is kept.
func sandboxIn(input string) string {
	base := filepath.Base(input)
	return fmt.Sprintf(sandboxInTpl, base[strings.LastIndexByte(base, '.')+1:])
}

// requireBwrap skips the test unless bwrap is installed and can make its
// namespaces here (containers often forbid user namespaces), and returns
// its path.
func requireBwrap(t *testing.T) string {
	t.Helper()
	bwrap, err := exec.LookPath("bwrap")
	if err != nil {
		t.Skip("bwrap is not installed (Debian package bubblewrap; make test installs it): not running the thumbnailer in GNOME's sandbox")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bwrap, append(gnomeSandbox("", "", ""), "/usr/bin/true")...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Skipf("bwrap cannot make a sandbox here (%v: %s): not running the thumbnailer in GNOME's sandbox", err, strings.TrimSpace(stderr.String()))
	}
	return bwrap
}

// expandExec expands a thumbnailer's Exec line as GNOME does
// (expand_thumbnailing_elem): split into words, then %s is the size, %i
// the input path, %u its file: URI, %o the output path and %% a percent
// sign. Quotes are not expected, and refused.
func expandExec(line string, size int, input, output string) ([]string, error) {
	if strings.ContainsAny(line, `"'\`) {
		return nil, fmt.Errorf("exec line %q: quoting is not supported here", line)
	}
	words := strings.Fields(line)
	if len(words) == 0 {
		return nil, errors.New("empty exec line")
	}
	r := strings.NewReplacer("%s", strconv.Itoa(size), "%i", input, "%u", "file://"+input, "%o", output, "%%", "%")
	for i, w := range words {
		words[i] = r.Replace(w)
	}
	return words, nil
}

// thumbnailExec returns the installed thumbnailer entry's Exec line.
func thumbnailExec(t *testing.T, destdir string) string {
	t.Helper()
	kf, err := readKeyFile(filepath.Join(destdir, "usr", "share", "thumbnailers", "stlview.thumbnailer"))
	if err != nil {
		t.Fatal(err)
	}
	line := kf["Thumbnailer Entry"]["Exec"]
	if line == "" {
		t.Fatal("the installed thumbnailer entry has no Exec line")
	}
	return line
}

// TestThumbnailerInSandbox installs stlview with make install, then runs
// the installed thumbnailer entry's own Exec line inside bubblewrap as
// GNOME does (only /usr, the input and the output folder; no display, no
// GPU, no network, an empty environment). A good file gives a SIZE-pixel
// PNG with transparent corners and the part opaque in the middle; a broken
// one a non-zero exit and no output. Either way nothing else is left in
// the output folder.
func TestThumbnailerInSandbox(t *testing.T) {
	bwrap := requireBwrap(t)
	destdir := installedTree(t)
	line := thumbnailExec(t, destdir)

	cube := stltest.Encode(t, mesh.Cuboid(mgl32.Vec3{-1, -2, -0.5}, mgl32.Vec3{1, 2, 0.5}), false)
	sphere := stltest.Encode(t, mesh.Sphere(10, 48, 24), true)
	tests := []struct {
		name string
		file string // the input's name, for its extension
		data []byte
		size int
		ok   bool
	}{
		{"binary cube", "cube.stl", cube, 256, true},
		{"ASCII sphere", "sphere.STL", sphere, 256, true},
		{"gzip-compressed", "part.stl.gz", stltest.Gzip(t, cube), 256, true},
		{"normal size", "cube.stl", cube, 128, true},
		{"x-large size", "sphere.stl", sphere, 512, true},
		{"truncated binary", "cut.stl", cube[:len(cube)-20], 256, false},
		{"no faces", "empty.stl", stltest.Encode(t, mesh.FromTriangles(nil), false), 256, false},
		{"not STL", "notes.stl", []byte("a shopping list, not a part\n"), 256, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			input := stltest.WriteFile(t, dir, "in/"+tt.file, tt.data)
			outdir := filepath.Join(dir, "out")
			if err := os.Mkdir(outdir, 0o700); err != nil {
				t.Fatal(err)
			}
			argv, err := expandExec(line, tt.size, sandboxIn(input), sandboxOut)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bwrap, append(gnomeSandbox(destdir, input, outdir), argv...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err = cmd.Run()
			elapsed := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("%s did not end within 30 s", strings.Join(argv, " "))
			}
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("bwrap: %v", err)
			}
			out := filepath.Join(outdir, filepath.Base(sandboxOut))
			if tt.ok {
				if err != nil {
					t.Fatalf("%s: got %v, want exit 0; stderr:\n%s", strings.Join(argv, " "), err, stderr.String())
				}
				t.Logf("%s in the sandbox: %v", strings.Join(argv, " "), elapsed.Round(time.Millisecond))
				checkThumbnail(t, out, tt.size)
			} else {
				if err == nil {
					t.Errorf("%s: got exit 0, want a failure", strings.Join(argv, " "))
				}
				if stderr.Len() == 0 {
					t.Error("nothing on stderr, want the reason")
				}
				if _, err := os.Lstat(out); err == nil {
					t.Errorf("%s written for a broken input, want no output", out)
				}
			}
			// bwrap leaves an empty file where it bound the input.
			mount := filepath.Base(sandboxIn(input))
			entries, err := os.ReadDir(outdir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != mount && !(tt.ok && e.Name() == filepath.Base(out)) {
					t.Errorf("%s left in the output folder", e.Name())
				}
			}
		})
	}
}

// checkThumbnail checks that path is a size×size PNG with transparent
// corners and an opaque middle.
func checkThumbnail(t *testing.T, path string, size int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no thumbnail: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the thumbnail is not a PNG: %v", err)
	}
	if got, want := img.Bounds(), image.Rect(0, 0, size, size); got != want {
		t.Fatalf("got a %v picture, want %v", got, want)
	}
	for _, p := range []image.Point{{0, 0}, {size - 1, 0}, {0, size - 1}, {size - 1, size - 1}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
			t.Errorf("corner %v: got alpha %d, want 0 (a transparent background)", p, a>>8)
		}
	}
	if _, _, _, a := img.At(size/2, size/2).RGBA(); a != 0xffff {
		t.Errorf("centre: got alpha %d, want 255 (the part)", a>>8)
	}
}

// TestExpandExec checks the expansion of Exec lines against GNOME's.
func TestExpandExec(t *testing.T) {
	tests := []struct {
		line string
		want []string
		ok   bool
	}{
		{"stlview --thumbnail %s %i %o", []string{"stlview", "--thumbnail", "256", "/tmp/in.stl", "/tmp/out.png"}, true},
		{"t -s%s %u 100%% %o", []string{"t", "-s256", "file:///tmp/in.stl", "100%", "/tmp/out.png"}, true},
		{"t '%i'", nil, false},
		{"  ", nil, false},
	}
	for _, tt := range tests {
		got, err := expandExec(tt.line, 256, "/tmp/in.stl", "/tmp/out.png")
		if (err == nil) != tt.ok || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("expandExec(%q): got %q, %v; want %q, ok %v", tt.line, got, err, tt.want, tt.ok)
		}
	}
}
