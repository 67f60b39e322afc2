package main

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stlview/stlview/assets"
)

// sourcesOrSamples returns paths, or when there are none the folder of the
// bundled samples, with a function that removes what it made.
func sourcesOrSamples(paths []string) (sources []string, cleanup func(), err error) {
	if len(paths) > 0 {
		return paths, func() {}, nil
	}
	dir, cleanup, err := extractSamples()
	if err != nil {
		return nil, nil, err
	}
	return []string{dir}, cleanup, nil
}

// extractSamples writes the bundled sample parts into a new temporary
// folder, so the loader can read them like any files, and returns the
// folder and a function that removes it.
func extractSamples() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "stlview-samples-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	err = fs.WalkDir(assets.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return dir, cleanup, nil
}
