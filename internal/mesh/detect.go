package mesh

import (
	"bytes"
	"encoding/binary"
)

// Binary layout.
const (
	headerSize = 80
	countEnd   = headerSize + 4 // end of the triangle count
	recordSize = 50             // normal, three vertices, attribute word
)

// detect decides whether input of the given size, starting with prefix,
// is binary or ASCII STL. Real files make this harder than the first five
// bytes suggest: many binary files have a header that starts with "solid",
// some ASCII files start with a byte-order mark or blank lines, some binary
// files carry bytes after the last record. The rules, in order:
//
//  1. a binary count that accounts for the size exactly means binary (for
//     input of unknown size: a count with a byte that is not text);
//  2. "solid" (or "facet") as the first word, on a line free of control
//     bytes, followed by "facet", "endsolid" or the end, means ASCII;
//  3. text without control bytes is ASCII if it starts with "solid" and not
//     STL at all otherwise;
//  4. anything else is binary if its count fits in the size, with trailing
//     bytes tolerated, and truncated if not.
//
// size may be -1 (unknown: gzip, or a stream); rule 4 then takes the
// count on trust.
func detect(prefix []byte, size int64) (Format, error) {
	if size == 0 {
		return 0, offsetError(0, ErrEmpty, "the file has no bytes")
	}
	var count int64
	if len(prefix) >= countEnd {
		count = int64(binary.LittleEndian.Uint32(prefix[headerSize:countEnd]))
		if countEnd+recordSize*count == size {
			return Binary, nil
		}
		// A stream of unknown size cannot be measured against the count
		// (rule 1), but a count with a byte that is not text cannot be
		// part of an ASCII file, whatever its first lines look like.
		if size < 0 && !isText(prefix[headerSize:countEnd]) {
			return Binary, nil
		}
	}
	if looksASCII(prefix) {
		return ASCII, nil
	}
	if isText(prefix) {
		body := skipBOMAndSpace(prefix)
		if len(body) == 0 {
			return 0, offsetError(0, ErrEmpty, "the file holds only white space")
		}
		if hasKeyword(body, "solid") {
			return ASCII, nil
		}
		return 0, offsetError(0, ErrNotSTL, "a text file that does not start with \"solid\" (it starts with %q)", firstLine(body, 40))
	}
	if len(prefix) < countEnd {
		return 0, offsetError(0, ErrNotSTL, "%d bytes, too short for a binary STL header and not ASCII STL", len(prefix))
	}
	if size < 0 {
		return Binary, nil
	}
	if need := countEnd + recordSize*count; need > size {
		holds := (size - countEnd) / recordSize
		return 0, offsetError(size, ErrTruncated, "the header claims %d triangles (%d bytes) but the file holds %d (%d bytes)",
			count, need, holds, size)
	}
	return Binary, nil
}

// looksASCII reports whether prefix starts like an ASCII STL file.
func looksASCII(prefix []byte) bool {
	b := skipBOMAndSpace(prefix)
	if hasKeyword(b, "facet") {
		return lineIsText(b)
	}
	if !hasKeyword(b, "solid") {
		return false
	}
	end := bytes.IndexAny(b, "\r\n")
	if end < 0 {
		// One line only: an ASCII file if it is all of the input.
		return len(prefix) < prefixLen && lineIsText(b)
	}
	if !lineIsText(b[:end]) {
		return false
	}
	next := skipSpace(b[end:])
	return len(next) == 0 || hasKeyword(next, "facet") || hasKeyword(next, "endsolid") || hasKeyword(next, "solid")
}

// hasKeyword reports whether b starts with the word kw, in any case,
// followed by white space or the end of b.
func hasKeyword(b []byte, kw string) bool {
	if len(b) < len(kw) || !equalFold(b[:len(kw)], kw) {
		return false
	}
	return len(b) == len(kw) || isSpace(b[len(kw)])
}

// lineIsText reports whether the first line of b is free of control bytes.
func lineIsText(b []byte) bool {
	if end := bytes.IndexAny(b, "\r\n"); end >= 0 {
		b = b[:end]
	}
	return isText(b)
}

// isText reports whether b holds no control byte other than white space.
// Bytes above 0x7f are allowed: solid names may be UTF-8.
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && !isSpace(c)) || c == 0x7f {
			return false
		}
	}
	return true
}

func skipBOMAndSpace(b []byte) []byte {
	return skipSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func firstLine(b []byte, max int) string {
	if end := bytes.IndexAny(b, "\r\n"); end >= 0 {
		b = b[:end]
	}
	if len(b) > max {
		b = b[:max]
	}
	return string(b)
}

// isSpace reports whether c is ASCII white space: space, tab, line feed,
// vertical tab, form feed or carriage return.
func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// equalFold reports whether b equals the lower-case ASCII word kw in any case.
func equalFold(b []byte, kw string) bool {
	if len(b) != len(kw) {
		return false
	}
	for i := range len(b) {
		if b[i]|0x20 != kw[i] {
			return false
		}
	}
	return true
}

// headerText returns the printable part of a binary header: up to the first
// NUL, control bytes dropped, trimmed.
func headerText(h []byte) string {
	if i := bytes.IndexByte(h, 0); i >= 0 {
		h = h[:i]
	}
	out := make([]byte, 0, len(h))
	for _, c := range h {
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		} else if c == '\n' || c == '\r' || c == '\t' {
			out = append(out, ' ')
		}
	}
	return string(bytes.TrimSpace(out))
}
