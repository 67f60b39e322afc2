package picture

import (
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is an encoding of pictures: PNG or JPEG.
type Format uint8

const (
	PNG Format = iota + 1
	JPEG
)

// ErrFormat is wrapped by the error of a picture name whose extension is
// neither .png nor .jpg (or .jpeg).
var ErrFormat = errors.New("unknown picture format")

// FormatOf returns the format a file name's extension asks for, in any
// case: .png, or .jpg and .jpeg.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png":
		return PNG, nil
	case ".jpg", ".jpeg":
		return JPEG, nil
	}
	return 0, fmt.Errorf("%w: %q: want a name ending in .png, .jpg or .jpeg", ErrFormat, filepath.Ext(name))
}

// Encode writes img to w in format f. JPEG has no transparency: its
// transparent pixels come out black, so pictures for JPEG should have a
// background.
func Encode(w io.Writer, img image.Image, f Format) error {
	if f == JPEG {
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 92})
	}
	return EncodePNG(w, img)
}

// WriteFile writes img to path, in the format its extension asks for. The
// picture is written to a new temporary file in the same folder, then
// renamed over path: a reader never sees half a picture, an existing file
// is replaced only once the new one is whole, and a symbolic link planted
// at path is replaced, never written through. Missing folders are made. On
// failure nothing is left behind.
func WriteFile(path string, img image.Image) error {
	f, err := FormatOf(path)
	if err != nil {
		return err
	}
	return WriteFileAs(path, img, f)
}

// WriteFileAs is WriteFile in format f, whatever path's extension: a
// thumbnailer's output path has none.
func WriteFileAs(path string, img image.Image, f Format) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp.Name())
		}
	}()
	if err := errors.Join(Encode(tmp, img, f), tmp.Chmod(0o644), tmp.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}
