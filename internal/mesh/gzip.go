package mesh

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
)

// gzipReader decompresses a gzip stream the way gzip(1) reads one:
// concatenated members make one stream, and NUL bytes after the last
// member (the padding of a file written to tape) are ignored. Anything else
// after a member is an error. Its errors wrap the package's sentinels:
// ErrTruncated for a stream that ends early, ErrNotSTL for bad data;
// errors of the reader underneath pass through.
type gzipReader struct {
	br     *bufio.Reader
	zr     *gzip.Reader
	maxPad int64 // the most NUL padding read; what lies beyond is not read
	err    error // sticky: the error or io.EOF that ended the stream
}

func newGzipReader(r io.Reader, maxPad int64) (*gzipReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	zr, err := gzip.NewReader(br)
	if err != nil {
		if isReadError(err) {
			return nil, err
		}
		return nil, offsetError(0, ErrNotSTL, "bad gzip header: %v", err)
	}
	zr.Multistream(false)
	return &gzipReader{br: br, zr: zr, maxPad: min(maxPad, maxGzipPadding)}, nil
}

// maxGzipPadding is how much NUL padding after the gzip data is read
// before the rest is taken as more of it, unread: tape and block devices
// pad to a block (a few kilobytes); a file padded to gigabytes would
// otherwise cost seconds of reading zeros.
const maxGzipPadding = 1 << 20

func (g *gzipReader) Read(p []byte) (int, error) {
	for g.err == nil {
		n, err := g.zr.Read(p)
		switch {
		case err == io.EOF:
			if err := g.nextMember(); err != nil {
				g.err = err
			}
		case err != nil:
			g.err = gzipError(err)
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
	return 0, g.err
}

// nextMember reads what follows a member: another member, which it starts,
// or NUL padding up to the end (io.EOF).
func (g *gzipReader) nextMember() error {
	var padding int64
	for {
		c, err := g.br.ReadByte()
		switch {
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return err
		case c == 0:
			if padding++; padding > g.maxPad {
				return io.EOF // padding to the end, as far as anyone reads
			}
			continue
		case c == 0x1f && padding == 0:
			if err := g.br.UnreadByte(); err != nil {
				return err
			}
			if err := g.zr.Reset(g.br); err != nil {
				if isReadError(err) {
					return err
				}
				return offsetError(-1, ErrNotSTL, "bad gzip data: a member after the first: %v", err)
			}
			g.zr.Multistream(false)
			return nil
		}
		return offsetError(-1, ErrNotSTL, "bad gzip data: %#x after the last member", c)
	}
}

// isReadError reports whether err came from the reader under the
// decompressor rather than from the data.
func isReadError(err error) bool {
	var ce flate.CorruptInputError
	var ie flate.InternalError
	return !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) &&
		!errors.Is(err, gzip.ErrHeader) && !errors.Is(err, gzip.ErrChecksum) &&
		!errors.As(err, &ce) && !errors.As(err, &ie)
}

// gzipError turns an error from decompressing into one that wraps a
// sentinel; the reader's own errors pass through. Its offset is -1: the
// decoder that reads the stream sets the position where the data ended.
func gzipError(err error) error {
	switch {
	case isReadError(err):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return offsetError(-1, ErrTruncated, "the gzip stream ends early")
	}
	return offsetError(-1, ErrNotSTL, "bad gzip data: %v", err)
}

// limitReader reads r up to limit bytes and fails with ErrTooLarge if r
// holds more.
type limitReader struct {
	r        io.Reader
	n, limit int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		var b [1]byte
		if k, err := io.ReadFull(l.r, b[:]); k == 0 {
			return 0, err
		}
		return 0, offsetError(l.limit, ErrTooLarge, "more than %d bytes", l.limit)
	}
	k, err := l.r.Read(p[:min(int64(len(p)), l.limit-l.n)])
	l.n += int64(k)
	return k, err
}
