package asyncload

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/stlview/stlview/internal/mesh"
)

// resolve checks a source and priority and returns the source's key: the
// URL for http:// and https:// sources, else the cleaned absolute path. It
// does no I/O, so Queue can call it on the render thread.
func (l *Loader) resolve(source string, p Priority) (key string, isURL bool, err error) {
	switch {
	case !p.valid():
		return "", false, fmt.Errorf("asyncload: %q: %w: priority %d", source, ErrInvalid, p)
	case source == "":
		return "", false, fmt.Errorf("asyncload: %w: empty source", ErrInvalid)
	case strings.ContainsRune(source, 0):
		return "", false, fmt.Errorf("asyncload: %q: %w: NUL in path", source, ErrInvalid)
	case IsURL(source):
		u, err := url.Parse(source)
		if err != nil {
			return "", false, fmt.Errorf("asyncload: %w: %w", ErrInvalid, err)
		}
		if u.Host == "" {
			return "", false, fmt.Errorf("asyncload: %q: %w: URL without host", source, ErrInvalid)
		}
		return source, true, nil
	case filepath.IsAbs(source):
		return filepath.Clean(source), false, nil
	}
	return filepath.Join(l.cwd, source), false, nil
}

// Key returns the key a Queue of source would load it under (its cleaned
// absolute path, or the URL), without queueing it or doing any I/O, so a
// caller can tell that a source is one it already has. It fails as Queue
// does for an invalid source.
func (l *Loader) Key(source string) (string, error) {
	key, _, err := l.resolve(source, Normal)
	return key, err
}

// IsURL reports whether source starts with http:// or https://, in any
// case: the sources the Loader downloads rather than opens.
func IsURL(source string) bool {
	for _, scheme := range []string{"http://", "https://"} {
		if len(source) >= len(scheme) && strings.EqualFold(source[:len(scheme)], scheme) {
			return true
		}
	}
	return false
}

// open loads the local file or folder at j.key. The folder test happens
// here, on the worker, because Queue must not touch the disk.
func (l *Loader) open(ctx context.Context, j *job) outcome {
	f, err := os.Open(j.key)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	defer f.Close() // read-only: closing cannot lose data
	fi, err := f.Stat()
	if err != nil {
		return outcome{err: err, size: -1}
	}
	if fi.IsDir() {
		return l.expand(ctx, j.key)
	}
	j.size.Store(fi.Size())
	if l.cfg.Preview > 0 {
		j.preview.Store(preview(f, fi.Size(), l.cfg.Preview))
	}
	m, err := l.decoder(j).Decode(ctx, &countingReader{r: f, n: &j.read}, fi.Size())
	return outcome{mesh: m, err: err, size: fi.Size(), modTime: fi.ModTime()}
}

// expand lists the STL files under dir for the worker to queue.
func (l *Loader) expand(ctx context.Context, dir string) outcome {
	names, err := findSTL(ctx, os.DirFS(dir), ".")
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = filepath.Join(dir, filepath.FromSlash(name))
	}
	if err == nil && len(files) == 0 {
		err = ErrNoSTL
	}
	return outcome{folder: true, files: files, err: err, size: -1}
}

// decoder returns the decoder for job j, on the goroutines Loader.next
// allowed it, reserving from the Loader's budget and reporting its stages
// to j.
func (l *Loader) decoder(j *job) mesh.Decoder {
	d := mesh.Decoder{Path: j.key, Workers: j.threads, MaxSize: l.cfg.MaxSize, Indexed: l.cfg.Indexed}
	if l.cfg.Budget != nil {
		d.Budget = l.cfg.Budget
	}
	d.Stage = func(s mesh.Stage) {
		switch s {
		case mesh.StageReading:
			j.stage.Store(uint32(StageReading))
		case mesh.StageWelding:
			j.stage.Store(uint32(StageWelding))
		}
	}
	return d
}

// countingReader adds the bytes read through it to n, for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
