package asyncload

import (
	"context"
	"errors"
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
// here, on the worker, because Queue must not touch the disk. Only regular
// files are read: a FIFO, socket or device fails with ErrNotRegular at
// once, and the open cannot block (see openRegular).
func (l *Loader) open(ctx context.Context, j *job) outcome {
	fi, err := os.Stat(j.key)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	if fi.IsDir() {
		return l.expand(ctx, j.key)
	}
	f, fi, err := openRegular(j.key, fi)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	defer f.Close() // read-only: closing cannot lose data
	j.size.Store(fi.Size())
	if l.cfg.Preview > 0 {
		j.preview.Store(Preview(f, fi.Size(), l.cfg.Preview))
	}
	m, err := l.decoder(j).Decode(ctx, &countingReader{r: f, n: &j.read}, fi.Size())
	return outcome{mesh: m, err: err, size: fi.Size(), modTime: fi.ModTime()}
}

// OpenRegular opens the file at name for reading if it is a regular file,
// and returns it with its info; anything else (a folder, FIFO, socket or
// device) is refused at once, with ErrNotRegular for the special files,
// and the open never blocks. The caller closes the file.
func OpenRegular(name string) (*os.File, os.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if fi.IsDir() {
		return nil, nil, &os.PathError{Op: "open", Path: name, Err: errors.New("is a folder")}
	}
	return openRegular(name, fi)
}

// openRegular opens the file at name, which Stat described as fi, for
// reading if it is a regular file, and returns it with its info from the
// open file. Anything else is an ErrNotRegular error, found before the
// open; the open itself does not block (openFlags), in case the file was
// replaced by a FIFO since, which the open file's info then shows.
func openRegular(name string, fi os.FileInfo) (*os.File, os.FileInfo, error) {
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(name, fi)
	}
	f, err := os.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = notRegular(name, fi)
		}
		return nil, nil, err
	}
	return f, fi, nil
}

// notRegular returns the ErrNotRegular error of name, saying what it is.
func notRegular(name string, fi os.FileInfo) error {
	what := "a special file"
	switch m := fi.Mode(); {
	case m&os.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		what = "a socket"
	case m&os.ModeCharDevice != 0:
		what = "a character device"
	case m&os.ModeDevice != 0:
		what = "a block device"
	}
	return &os.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w: %s", ErrNotRegular, what)}
}

// expand lists the STL files under dir for the worker to queue. The walk
// stays inside dir: links that lead out of it are counted, not followed.
func (l *Loader) expand(ctx context.Context, dir string) outcome {
	w := walker{ctx: ctx, fsys: os.DirFS(dir), confine: dir}
	names, err := w.find(".")
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = filepath.Join(dir, filepath.FromSlash(name))
	}
	if err == nil && len(files) == 0 {
		err = ErrNoSTL
	}
	return outcome{folder: true, files: files, err: err, size: -1, skipped: w.skipped}
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
