package main

import (
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/render/scene"
)

// TestBinaryNoDisplay runs the real program with no display variable at
// all: the headless modes must not need X11.
func TestBinaryNoDisplay(t *testing.T) {
	dir := t.TempDir()
	good := sphereFile(t, dir)
	broken := stltest.WriteFile(t, dir, "broken.stl", []byte(badVertexSTL))
	env := envWithout("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY")

	out := filepath.Join(dir, "out.png")
	code, _, stderr := runBinary(t, 30*time.Second, env, "--screenshot", out, "--size", "320x200", good)
	if code != exitOK || stderr != "" {
		t.Fatalf("--screenshot: got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	img := checkPicture(t, out, image.Pt(320, 200), scene.DefaultBackground)
	if c := centre(img); c == scene.DefaultBackground {
		t.Errorf("--screenshot: the centre is the background, want the sphere")
	}

	// A broken file among good ones: exit 1, and the picture is written.
	out = filepath.Join(dir, "mixed.png")
	code, _, stderr = runBinary(t, 30*time.Second, env, "--screenshot", out, "--size", "320x200", good, broken)
	if code != exitFailed || !strings.Contains(stderr, broken) {
		t.Errorf("mixed: got exit %d, stderr %q; want %d and an error naming %s", code, stderr, exitFailed, broken)
	}
	checkPicture(t, out, image.Pt(320, 200), scene.DefaultBackground)

	// --screenshot-dir writes quietly, as --screenshot does.
	code, stdout, stderr := runBinary(t, 30*time.Second, env, "--screenshot-dir", filepath.Join(dir, "thumbs"), good)
	if code != exitOK || stdout != "" || stderr != "" {
		t.Errorf("--screenshot-dir: got exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
	checkPicture(t, filepath.Join(dir, "thumbs", "sphere.png"), thumbnailSize, scene.DefaultBackground)

	// The window with no display: exit 1 and a hint, in one line.
	code, stdout, stderr = runBinary(t, 30*time.Second, env, good)
	if code != exitFailed || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.HasPrefix(stderr, "stlview: no display") || !strings.Contains(stderr, "--screenshot FILE") {
		t.Errorf("window: got exit %d, stdout %q, stderr %q; want %d and one line saying there is no display and to use --screenshot FILE", code, stdout, stderr, exitFailed)
	}

	// A usage error is exit 2 from the real process too.
	if code, _, _ := runBinary(t, 30*time.Second, env, "--info"); code != exitUsage {
		t.Errorf("--info with no path: got exit %d, want %d", code, exitUsage)
	}
}

// TestWindow runs the viewer's window under the display, if there is one
// (xvfb-run -a -s "-screen 0 1280x800x24" go test ./cmd/stlview).
func TestWindow(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("DISPLAY is not set: skipping the window tests (run them under xvfb-run)")
	}
	dir := t.TempDir()
	sphere := sphereFile(t, dir)
	tor := stltest.WriteFile(t, dir, "torus.stl", stltest.Encode(t, torus(), false))
	env := os.Environ()

	t.Run("screenshot", func(t *testing.T) {
		shot, stats := filepath.Join(dir, "window.png"), filepath.Join(dir, "fs.json")
		code, _, stderr := runBinary(t, 60*time.Second, env,
			"--renderer", "gpu", "--screenshot", shot, "--frame-stats", stats, "--size", "480x320", sphere, tor)
		if code != exitOK {
			t.Fatalf("got exit %d (%s), want 0", code, stderr)
		}
		img := readPNG(t, shot)
		if got := img.Bounds().Size(); got != image.Pt(480, 320) {
			t.Errorf("got a %v picture, want the window's 480x320", got)
		}
		// The sphere is the first of two cells: the left half, below the top bar.
		if cov := coverage(img, image.Rect(0, 40, 240, 280), scene.DefaultBackground); cov < 0.1 {
			t.Errorf("the left half of the window is %.1f%% drawn, want the sphere", 100*cov)
		}
		data, err := os.ReadFile(stats)
		if err != nil {
			t.Fatal(err)
		}
		var fs map[string]any
		if err := json.Unmarshal(data, &fs); err != nil {
			t.Fatalf("frame stats %q: %v", data, err)
		}
		for _, k := range []string{"frames", "frame_interval_p50_ms", "frame_interval_p99_ms", "frame_interval_max_ms",
			"update_p99_ms", "update_max_ms", "draw_p99_ms", "draw_max_ms", "loads"} {
			v, ok := fs[k].(float64)
			if !ok || v < 0 {
				t.Errorf("frame stats: %q is %v, want a number ≥ 0", k, fs[k])
			}
		}
		if fs["frames"].(float64) < 1 || fs["loads"] != 2.0 {
			t.Errorf("frame stats: got %v frames and %v loads, want some frames and 2 loads", fs["frames"], fs["loads"])
		}
		t.Logf("frame stats: %s", data)
	})

	t.Run("broken", func(t *testing.T) {
		shot := filepath.Join(dir, "broken.png")
		broken := stltest.WriteFile(t, dir, "broken.stl", nil)
		code, _, _ := runBinary(t, 60*time.Second, env, "--renderer", "gpu", "--screenshot", shot, "--size", "320x240", sphere, broken)
		if code != exitFailed {
			t.Errorf("got exit %d, want %d", code, exitFailed)
		}
		if _, err := os.Stat(shot); err != nil {
			t.Errorf("no picture: %v", err)
		}
	})

	// A file that fails in the window: exit 1 when the window closes, and
	// the file named on standard error while the good one is shown.
	t.Run("missing", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.stl")
		code, stdout, stderr := runBinary(t, 60*time.Second, env, "--exit-after-load", "--size", "320x240", missing, sphere)
		if code != exitFailed || stdout != "" || !strings.Contains(stderr, "stlview: "+missing+": no such file") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want %d and a line naming %s", code, stdout, stderr, exitFailed, missing)
		}
		if strings.Contains(stderr, sphere) {
			t.Errorf("stderr %q names the good file too", stderr)
		}
	})

	t.Run("exit-after-load", func(t *testing.T) {
		stats := filepath.Join(dir, "fs-exit.json")
		start := time.Now()
		code, _, stderr := runBinary(t, 60*time.Second, env,
			"--exit-after-load", "--max-frames", "30", "--frame-stats", stats, "--size", "320x240", sphere)
		if code != exitOK {
			t.Fatalf("got exit %d (%s), want 0", code, stderr)
		}
		var fs struct{ Frames int }
		data, err := os.ReadFile(stats)
		if err == nil {
			err = json.Unmarshal(data, &fs)
		}
		if err != nil || fs.Frames < 1 {
			t.Errorf("frame stats %q (%v): want some frames", data, err)
		}
		t.Logf("ended by itself after %v and %d frames", time.Since(start).Round(time.Millisecond), fs.Frames)
	})
}
