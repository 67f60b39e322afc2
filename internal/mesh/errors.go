package mesh

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors wrapped by every decode error; test for them with errors.Is.
var (
	// ErrEmpty means the input holds no byte at all.
	ErrEmpty = errors.New("empty file")
	// ErrNotSTL means the input is neither binary nor ASCII STL.
	ErrNotSTL = errors.New("not an STL file")
	// ErrTruncated means the input ends before the data it announces.
	ErrTruncated = errors.New("truncated")
	// ErrSyntax means an ASCII file breaks the STL grammar.
	ErrSyntax = errors.New("syntax error")
	// ErrTooLarge means the input, once decompressed, exceeds the decoder's MaxSize.
	ErrTooLarge = errors.New("too large")
)

// ParseError is the error every decoder returns for bad input. It names the
// file and, where it helps, the line (ASCII) or byte offset (binary).
type ParseError struct {
	Path   string // file name or URL; empty for an anonymous stream
	Line   int    // 1-based line of an ASCII file, or 0
	Offset int64  // byte offset in the (decompressed) data, or -1
	Err    error  // wraps one of the sentinel errors
}

func (e *ParseError) Error() string {
	s := "stl: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	} else if e.Offset >= 0 {
		s += "byte " + strconv.FormatInt(e.Offset, 10) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying error, so errors.Is finds the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// lineError returns a ParseError at an ASCII line. The detail follows the
// sentinel's text, as in "syntax error: vertex coordinate "x" is not a number".
func lineError(line int, sentinel error, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Offset: -1, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// offsetError returns a ParseError at a byte offset.
func offsetError(off int64, sentinel error, format string, args ...any) *ParseError {
	return &ParseError{Offset: off, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// withPath sets the path of a ParseError, or wraps any other error (an I/O
// error, a cancelled context) in one, so callers always get the file name.
func withPath(err error, path string) error {
	if err == nil {
		return nil
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.Path = path
		return pe
	}
	return &ParseError{Path: path, Offset: -1, Err: err}
}
