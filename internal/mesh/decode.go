package mesh

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// DefaultMaxSize caps the bytes a Decoder holds in memory when it cannot
// learn the size first: gzip-compressed input and streams of unknown size.
// It is well above a 10-million-triangle binary file (500 MB).
const DefaultMaxSize int64 = 2 << 30

// prefixLen is how much of the input detection looks at.
const prefixLen = 4096

// A Decoder holds the settings for decoding STL data. The zero Decoder is
// ready to use. A Decoder may be copied and used by several goroutines at once.
type Decoder struct {
	// Path names the input in errors; empty for an anonymous stream.
	Path string
	// Workers bounds the goroutines that process one file's faces; 0 means
	// GOMAXPROCS. A loader that decodes several files at once sets 1.
	Workers int
	// MaxSize caps decompressed input and input of unknown size; 0 means
	// DefaultMaxSize. Input of known size is not capped: what it needs is
	// proportional to the bytes that are really there.
	MaxSize int64
}

// Decode reads a whole STL file from r: binary or ASCII, gzip-compressed or
// not. size is the number of bytes r holds, or -1 when unknown (the input
// is then read into memory first, up to MaxSize). The decoder checks ctx
// between chunks of about a thousand faces and returns ctx's error once it
// is cancelled. Every error is a *ParseError that names d.Path.
//
// The caller owns the returned mesh.
func (d Decoder) Decode(ctx context.Context, r io.Reader, size int64) (*Mesh, error) {
	m, err := d.decode(ctx, r, size)
	if err != nil {
		return nil, withPath(err, d.Path)
	}
	return m, nil
}

// ReadFile decodes the file at path; errors name path unless d.Path is set.
func (d Decoder) ReadFile(ctx context.Context, path string) (*Mesh, error) {
	if d.Path == "" {
		d.Path = path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, withPath(err, d.Path)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, withPath(err, d.Path)
	}
	if fi.IsDir() {
		return nil, withPath(fmt.Errorf("%w: is a directory", ErrNotSTL), d.Path)
	}
	return d.Decode(ctx, f, fi.Size())
}

// Decode decodes r with the zero Decoder; see Decoder.Decode.
func Decode(r io.Reader, size int64) (*Mesh, error) {
	return Decoder{}.Decode(context.Background(), r, size)
}

// ReadFile decodes the file at path with the zero Decoder.
func ReadFile(path string) (*Mesh, error) {
	return Decoder{}.ReadFile(context.Background(), path)
}

func (d Decoder) maxSize() int64 {
	if d.MaxSize > 0 {
		return d.MaxSize
	}
	return DefaultMaxSize
}

// parallelism returns the most goroutines one decode may use.
func (d Decoder) parallelism() int {
	if d.Workers > 0 {
		return d.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// workers returns how many goroutines should process faces faces: no more
// than there are chunks.
func (d Decoder) workers(faces int) int {
	return max(1, min(d.parallelism(), (faces+chunkFaces-1)/chunkFaces))
}

func (d Decoder) decode(ctx context.Context, r io.Reader, size int64) (*Mesh, error) {
	prefix, rest, size, err := readPrefix(r, size)
	if err != nil {
		return nil, err
	}
	if isGzip(prefix) {
		zr, err := gzip.NewReader(io.MultiReader(bytes.NewReader(prefix), rest))
		if err != nil {
			return nil, offsetError(0, ErrNotSTL, "bad gzip header: %v", err)
		}
		data, err := readAll(ctx, zr, d.maxSize())
		if err != nil {
			return nil, gzipError(err, d.maxSize())
		}
		if isGzip(data) {
			return nil, offsetError(0, ErrNotSTL, "gzip inside gzip")
		}
		m, err := d.decodeBytes(ctx, data)
		if m != nil {
			m.Compressed = true
		}
		return m, err
	}
	if size < 0 {
		data, err := readAll(ctx, io.MultiReader(bytes.NewReader(prefix), rest), d.maxSize())
		if err != nil {
			return nil, err
		}
		return d.decodeBytes(ctx, data)
	}
	return d.decodeSized(ctx, prefix, rest, size)
}

// decodeBytes decodes data held in memory.
func (d Decoder) decodeBytes(ctx context.Context, data []byte) (*Mesh, error) {
	n := min(len(data), prefixLen)
	return d.decodeSized(ctx, data[:n], bytes.NewReader(data[n:]), int64(len(data)))
}

// decodeSized decodes an input of known size whose first bytes, prefix,
// are already read; rest yields the others.
func (d Decoder) decodeSized(ctx context.Context, prefix []byte, rest io.Reader, size int64) (*Mesh, error) {
	format, err := detect(prefix, size)
	if err != nil {
		return nil, err
	}
	if format == Binary {
		return d.decodeBinary(ctx, prefix, rest, size)
	}
	if size <= int64(len(prefix)) {
		return d.decodeASCII(ctx, prefix)
	}
	// The whole text is parsed in memory, in a recycled buffer: the
	// mesh keeps nothing of it, and a folder of ASCII files would
	// otherwise have the garbage collector running every few files.
	buf := getBuffer(size)
	defer putBuffer(buf)
	n, err := readFull(ctx, io.MultiReader(bytes.NewReader(prefix), rest), buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return d.decodeASCII(ctx, buf[:n]) // a file that shrank is parsed as it is
}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 64 << 20

// textBuffers holds buffers for ASCII files, as *[]byte.
var textBuffers sync.Pool

// getBuffer returns a buffer of length n, recycled when one is big enough.
func getBuffer(n int64) []byte {
	if p, ok := textBuffers.Get().(*[]byte); ok && int64(cap(*p)) >= n {
		return (*p)[:n]
	}
	// Not make followed by copy: the compiler turns that pair into one
	// non-preemptible clear of the whole buffer, which stalls the garbage
	// collector's preemption signals (measured: hundreds of retries and
	// up to 3x the decode time on a 50 MB file).
	return make([]byte, n)
}

// putBuffer gives b back for reuse, unless it is too big to keep.
func putBuffer(b []byte) {
	if cap(b) <= maxPooled {
		textBuffers.Put(&b)
	}
}

// readPrefix reads the first prefixLen bytes of r (fewer if r ends first, in
// which case size becomes the true size). It returns them and a reader for
// the rest.
func readPrefix(r io.Reader, size int64) (prefix []byte, rest io.Reader, _ int64, _ error) {
	n := prefixLen
	if size >= 0 && size < int64(n) {
		n = int(size)
	}
	prefix = make([]byte, n)
	got, err := io.ReadFull(r, prefix)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return prefix[:got], eofReader{}, int64(got), nil
	case err != nil:
		return nil, nil, 0, err
	case size >= 0 && got == int(size):
		return prefix, eofReader{}, size, nil
	}
	return prefix, r, size, nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// gzipError turns an error from reading a gzip stream into a sentinel-wrapping one.
func gzipError(err error, max int64) error {
	switch {
	case errors.Is(err, ErrTooLarge), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return offsetError(-1, ErrTruncated, "gzip stream ends early")
	}
	return offsetError(-1, ErrNotSTL, "bad gzip data: %v", err)
}

// readChunk is the read size of readAll and readFull: each read is
// followed by a check of the context, so cancelling takes effect within one
// chunk.
const readChunk = 1 << 20

// readAll reads r to its end into memory. It fails with ErrTooLarge once
// more than limit bytes arrive, and with ctx's error once ctx is done.
func readAll(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	buf := make([]byte, 0, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), len(buf)+readChunk)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, offsetError(limit, ErrTooLarge, "more than %d bytes", limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readFull fills buf from r, checking ctx between chunks. It returns the
// bytes read before r ended or failed.
func readFull(ctx context.Context, r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := io.ReadFull(r, buf[n:min(len(buf), n+readChunk)])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
