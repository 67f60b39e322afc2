package mesh

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
)

// Header is what DecodeHeader learns from the first bytes of an STL file.
type Header struct {
	Format     Format
	Faces      int    // the binary triangle count; -1 for ASCII, known only once read
	Name       string // the first solid's name, or a binary header's text
	Compressed bool   // gzip-compressed
}

// DecodeHeader reads only the first few kilobytes of r and reports the
// format and, for binary files, the triangle count it claims, without
// decoding faces. size is r's size or -1. A count that the size cannot hold
// is an ErrTruncated error, as Decode would give.
func DecodeHeader(r io.Reader, size int64) (Header, error) {
	prefix, rest, size, err := readPrefix(r, size)
	if err != nil {
		return Header{}, withPath(err, "")
	}
	var h Header
	if isGzip(prefix) {
		zr, err := gzip.NewReader(io.MultiReader(bytes.NewReader(prefix), rest))
		if err != nil {
			return Header{}, offsetError(0, ErrNotSTL, "bad gzip header: %v", err)
		}
		inner := make([]byte, prefixLen)
		n, err := io.ReadFull(zr, inner)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return Header{}, gzipError(err, DefaultMaxSize)
		}
		prefix, size, h.Compressed = inner[:n], -1, true
		if n < prefixLen {
			size = int64(n) // the whole decompressed input
		}
	}
	h.Format, err = detect(prefix, size)
	if err != nil {
		return Header{}, err
	}
	if h.Format == Binary {
		h.Faces = int(binary.LittleEndian.Uint32(prefix[headerSize:countEnd]))
		h.Name = headerText(prefix[:headerSize])
		return h, nil
	}
	h.Faces = -1
	b := skipBOMAndSpace(prefix)
	if hasKeyword(b, "solid") {
		h.Name = string(bytes.TrimSpace([]byte(firstLine(b[len("solid"):], 200))))
	}
	return h, nil
}
