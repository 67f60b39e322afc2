package mesh

import (
	"bytes"
	"encoding/binary"
	"errors"
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
// is an ErrTruncated error, as Decode would give. Where Decode succeeds,
// DecodeHeader agrees with it on the format, the compression and the count.
func DecodeHeader(r io.Reader, size int64) (Header, error) {
	prefix, rest, size, err := readPrefix(r, size)
	if err != nil {
		return Header{}, withPath(err, "")
	}
	var h Header
	if isGzip(prefix) {
		zr, err := newGzipReader(io.MultiReader(bytes.NewReader(prefix), rest), DefaultMaxSize)
		if err != nil {
			return Header{}, withPath(err, "")
		}
		prefix, _, size, err = readPrefix(zr, -1)
		if err != nil {
			if !errors.Is(err, ErrTruncated) {
				return Header{}, withPath(err, "")
			}
			size = -1 // cut within its first bytes: judged by what came, as Decode does
		}
		h.Compressed = true
	}
	h.Format, err = detect(prefix, size)
	if err != nil {
		return Header{}, withPath(err, "")
	}
	if h.Format == Binary {
		h.Faces = int(binary.LittleEndian.Uint32(prefix[headerSize:countEnd]))
		h.Name = headerText(prefix[:headerSize])
		return h, nil
	}
	h.Faces = -1
	h.Name = firstSolidName(prefix, len(prefix) < prefixLen)
	return h, nil
}
