package ui

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/picture"
)

// shotState carries a screenshot from the key press (or --screenshot)
// through Draw, which reads the pixels (the S key's picture is the 3D
// layer, without the HUD; --screenshot's the whole window), to a goroutine
// that writes the file, whose outcome Update reports: Draw only draws,
// and no file is written on the game goroutine.
type shotState struct {
	want    string      // the path asked for, until Draw grabs the layer
	final   bool        // the --screenshot picture: the game ends once it is written; it shows the window as it is, HUD included
	writing chan error  // receives the writer's outcome; nil when none runs
	path    string      // the file being written
	img     *image.RGBA // the grabbed pixels
}

// request asks for a screenshot of the next frame at rest into path.
func (s *shotState) request(path string, final bool) { s.want, s.final = path, final }

// plan asks Draw to grab the layer once the picture is complete: the
// focused view or every visible cell at rest, nothing loading.
func (s *shotState) plan(g *Game) {
	if g.opt.Screenshot != "" && s.want == "" && s.writing == nil && !s.final && g.lib.Pending() == 0 && g.loadedAt.After(time.Time{}) {
		s.request(g.opt.Screenshot, true)
	}
	if s.want == "" || s.writing != nil {
		return
	}
	rested := g.view.entry != nil && g.view.rested
	if g.view.entry == nil {
		rested = g.gallery.rested
	}
	if rested {
		g.plan.grab = true
	}
}

// grab takes the 3D picture (pic, the picture in memory, or when nil the
// layer), or for --screenshot the screen as shown, in Draw, and starts
// writing it.
func (s *shotState) grab(pic *image.RGBA, screen *ebiten.Image, layer ...*ebiten.Image) {
	b := screen.Bounds()
	if s.img == nil || s.img.Rect != b {
		s.img = image.NewRGBA(b)
	}
	switch {
	case s.final:
		screen.ReadPixels(s.img.Pix)
	case pic != nil:
		copy(s.img.Pix, pic.Pix)
	default:
		layer[0].ReadPixels(s.img.Pix)
	}
	img, path := s.img, s.want
	s.img = nil // the writer owns it now
	s.want, s.path = "", path
	s.writing = make(chan error, 1)
	go func() { s.writing <- picture.WriteFile(path, img) }()
}

// poll reports a finished write, on the game goroutine.
func (s *shotState) poll(g *Game) {
	if s.writing == nil {
		return
	}
	select {
	case err := <-s.writing:
		s.writing = nil
		switch {
		case s.final:
			g.err, g.done = err, true
		case err != nil:
			g.setNotice("screenshot: " + explainShort(err))
		default:
			g.setNotice("saved " + s.path)
		}
	default:
	}
}

// idle reports whether no screenshot is asked for or being written.
func (s *shotState) idle() bool { return s.want == "" && s.writing == nil }

// wait waits for a write in progress, at exit.
func (s *shotState) wait() error {
	if s.writing == nil {
		return nil
	}
	err := <-s.writing
	s.writing = nil
	return err
}

// screenshotPath returns where the S key saves: a new file named by the
// date and time in dir, or in the user's pictures folder
// (XDG_PICTURES_DIR, else ~/Pictures, else the working directory), never
// over an existing file.
func screenshotPath(dir string, now time.Time) (string, error) {
	if dir == "" {
		dir = picturesDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := "stlview-" + now.Format("20060102-150405")
	for n := 1; n < 1000; n++ {
		name := base + ".png"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.png", base, n)
		}
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: too many screenshots this second", dir)
}

// picturesDir returns the user's pictures folder.
func picturesDir() string {
	if d := os.Getenv("XDG_PICTURES_DIR"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		if d := userDirsPictures(home); d != "" {
			return d
		}
		return filepath.Join(home, "Pictures")
	}
	return "."
}

// userDirsPictures reads XDG_PICTURES_DIR from ~/.config/user-dirs.dirs,
// where desktops keep it, or returns "".
func userDirsPictures(home string) string {
	data, err := os.ReadFile(filepath.Join(home, ".config", "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "XDG_PICTURES_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		return strings.Replace(v, "$HOME", home, 1)
	}
	return ""
}
