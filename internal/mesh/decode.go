package mesh

import (
	"bytes"
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
	// GOMAXPROCS. A loader that decodes several files at once sets 1, and
	// the decoder then starts no goroutine at all.
	Workers int
	// MaxSize caps decompressed input and input of unknown size; 0 means
	// DefaultMaxSize. Input of known size is not capped: what it needs is
	// proportional to the bytes that are really there.
	MaxSize int64
	// Budget, if not nil, admits the memory of the decode: before the
	// decoder allocates anything whose size comes from the input, it
	// reserves it (see Budget), and a load that cannot fit fails with a
	// *ParseError wrapping ErrTooLarge through a *BudgetError, before the
	// allocation. When Decode returns a mesh, exactly m.SizeBytes() stays
	// reserved and the caller owns that reservation: it releases it when
	// it drops the mesh. When Decode fails (or panics), nothing stays
	// reserved.
	Budget Budget
	// Indexed makes Decode return an indexed mesh (Indices set, each
	// distinct position once), welded while the faces stream in, so that
	// the triangle soup and the indexed mesh are never held at once. The
	// numbering is that of Mesh.Indexed: the same whatever Workers and the
	// timing.
	Indexed bool
	// Stage, if not nil, is called on the decoding goroutine (the one that
	// called Decode) as the decode enters each stage: StageReading first,
	// then, with Indexed, StageWelding for the work left once the input is
	// read.
	Stage func(Stage)

	// For tests: the ASCII chunk size and the binary segment size (in
	// faces), so that small inputs take many; 0 means the defaults.
	textChunk, segment int
}

// Stage is a part of a decode's work, as Decoder.Stage reports it.
type Stage uint8

const (
	// StageReading: the decoder reads the input and processes its faces
	// (an indexed binary file's faces are also welded as they come).
	StageReading Stage = iota + 1
	// StageWelding: the input is read, and the decoder numbers the
	// vertices: the final renumbering of an indexed binary file, the whole
	// weld of an ASCII one.
	StageWelding
)

// String returns "reading" or "welding".
func (s Stage) String() string {
	switch s {
	case StageReading:
		return "reading"
	case StageWelding:
		return "welding"
	}
	return "unknown"
}

func (d Decoder) stage(s Stage) {
	if d.Stage != nil {
		d.Stage(s)
	}
}

// Decode reads a whole STL file from r: binary or ASCII, gzip-compressed or
// not. size is the number of bytes r holds, or -1 when unknown. The input
// is streamed, never held whole: a binary file segment by segment, ASCII
// text in chunks, gzip decompressed as it is read. Input of unknown size
// (and decompressed input) may hold at most MaxSize bytes. Input that ends
// before size bytes is an ErrTruncated error at the line (ASCII) or byte
// where its data ended. The decoder checks ctx between chunks and returns
// ctx's error once it is cancelled. Every error is a *ParseError that
// names d.Path.
//
// Decode may start up to Workers goroutines that process faces, and one
// that reads ahead, while the caller's goroutine waits; with Workers 1 it
// starts none. A panic on any of them is raised again on the caller's
// goroutine (as a *GoroutinePanic), so a recover there catches it.
//
// The caller owns the returned mesh (and, with a Budget, its reservation).
func (d Decoder) Decode(ctx context.Context, r io.Reader, size int64) (*Mesh, error) {
	res := &reservation{ctx: ctx, b: d.Budget}
	defer res.releaseAll()
	m, err := d.decode(ctx, res, r, size)
	if err == nil {
		err = res.settle(m)
	}
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

func (d Decoder) decode(ctx context.Context, res *reservation, r io.Reader, size int64) (*Mesh, error) {
	d.stage(StageReading)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prefix, rest, size, err := readPrefix(r, size)
	if err != nil {
		return nil, err
	}
	if !isGzip(prefix) {
		if size < 0 {
			rest = &limitReader{r: rest, n: int64(len(prefix)), limit: d.maxSize()}
		}
		return d.decodeSized(ctx, res, prefix, rest, size)
	}
	// gzip: decompress as the decoder reads, never more than MaxSize bytes.
	zr, err := newGzipReader(io.MultiReader(bytes.NewReader(prefix), rest), d.maxSize())
	if err != nil {
		return nil, err
	}
	inner, innerRest, innerSize, err := readPrefix(&limitReader{r: zr, limit: d.maxSize()}, -1)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(pe, ErrTruncated) {
			return nil, err
		}
		// Cut within its first bytes: decode what came, so that the error
		// says where it ended.
		pe.Offset = int64(len(inner))
		if _, derr := detect(inner, -1); derr != nil {
			return nil, pe
		}
		innerRest, innerSize = errReader{pe}, -1
	}
	if isGzip(inner) {
		return nil, offsetError(0, ErrNotSTL, "gzip inside gzip")
	}
	m, err := d.decodeSized(ctx, res, inner, innerRest, innerSize)
	if m != nil {
		m.Compressed = true
	}
	return m, err
}

// decodeSized decodes an input whose first bytes, prefix, are already
// read; rest yields the others. size is the input's size, which its data
// may fall short of, or -1 when unknown.
func (d Decoder) decodeSized(ctx context.Context, res *reservation, prefix []byte, rest io.Reader, size int64) (*Mesh, error) {
	format, err := detect(prefix, size)
	if err != nil {
		if short := size >= 0 && int64(len(prefix)) < min(size, prefixLen); short && !errors.Is(err, ErrTruncated) {
			// Too little came to tell what it is: it ended early.
			return nil, offsetError(int64(len(prefix)), ErrTruncated, "the data ends at byte %d of the %d its size promised", len(prefix), size)
		}
		return nil, err
	}
	if size >= 0 {
		rest = io.LimitReader(rest, max(0, size-int64(len(prefix)))) // a file that grew is read as it was measured
	}
	if format == Binary {
		return d.decodeBinary(ctx, res, prefix, rest, size)
	}
	return d.decodeASCII(ctx, res, prefix, rest, size)
}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 64 << 20

// textBuffers holds buffers for ASCII text, as *[]byte: a folder of ASCII
// files would otherwise have the garbage collector running every few files.
var textBuffers sync.Pool

// getBuffer returns a buffer of length n, recycled when one is big enough.
func getBuffer(n int) []byte {
	if p, ok := textBuffers.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n)
}

// putBuffer gives b back for reuse, unless it is too big to keep.
func putBuffer(b []byte) {
	if cap(b) <= maxPooled {
		textBuffers.Put(&b)
	}
}

// readPrefix reads the first prefixLen bytes of r (fewer if r ends first)
// and returns them and a reader for the rest. If r ends within them, size
// becomes their number when it was unknown (-1); a known size is kept, and
// the decoders find the data short of it.
func readPrefix(r io.Reader, size int64) (prefix []byte, rest io.Reader, _ int64, _ error) {
	n := prefixLen
	if size >= 0 && size < int64(n) {
		n = int(size)
	}
	prefix = make([]byte, n)
	got, err := io.ReadFull(r, prefix)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		if size < 0 {
			size = int64(got)
		}
		return prefix[:got], eofReader{}, size, nil
	case err != nil:
		return prefix[:got], nil, 0, err
	case size >= 0 && got == int(size):
		return prefix, eofReader{}, size, nil
	}
	return prefix, r, size, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }
