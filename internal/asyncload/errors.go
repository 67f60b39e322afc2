package asyncload

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Sentinel errors; test for them with errors.Is. Errors in a Result wrap
// them with the source's name.
var (
	// ErrClosed is returned by Queue once Close has been called.
	ErrClosed = errors.New("asyncload: loader closed")
	// ErrInvalid means a bad argument: an empty or malformed source, or a
	// priority outside Low..Critical.
	ErrInvalid = errors.New("invalid argument")
	// ErrCancelled is the error of a Cancelled result.
	ErrCancelled = errors.New("cancelled")
	// ErrHTTPStatus means a server answered with a status other than 200 OK.
	ErrHTTPStatus = errors.New("HTTP request failed")
	// ErrNoSTL means a folder holds no STL file.
	ErrNoSTL = errors.New("no STL files")
	// ErrNotRegular means a source is neither a regular file nor a
	// folder: a FIFO, a socket or a device, which a viewer must not read.
	ErrNotRegular = errors.New("not a regular file")
)

// StatusError is the error of a download the server refused: it answered
// with a status other than 200 OK. It matches ErrHTTPStatus.
type StatusError struct {
	Code   int
	Status string // as the server gave it: "404 Not Found"
}

func (e *StatusError) Error() string { return ErrHTTPStatus.Error() + ": " + e.Status }

// Is reports whether target is ErrHTTPStatus.
func (e *StatusError) Is(target error) bool { return target == ErrHTTPStatus }

// PanicError is the error of a load whose decoding or processing panicked.
// The panic is confined to that load: the worker recovers and goes on.
type PanicError struct {
	Source string
	Value  any    // what was passed to panic
	Stack  []byte // the worker's stack when it panicked
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("asyncload: %s: panic while loading: %v", e.Source, e.Value)
}

// SourceError is the error of every load that did not complete: it names
// the source as it was given to Queue, and wraps the cause (a
// *mesh.ParseError, ErrCancelled, ErrHTTPStatus, mesh.ErrTooLarge,
// ErrNoSTL, ErrNotRegular, a *PanicError, an I/O error): ask it with
// errors.As and errors.Is, not by its text.
type SourceError struct {
	Source string // as given to Queue
	Err    error
}

// Error returns "source: cause", unless the cause names the source
// already (the decoder's and the file system's errors do). A URL's
// password is shown as "xxxxx", wherever it appears.
func (e *SourceError) Error() string {
	msg := e.Err.Error()
	if !strings.Contains(msg, e.Source) {
		msg = e.Source + ": " + msg
	}
	if r := Redact(e.Source); r != e.Source {
		msg = strings.ReplaceAll(msg, e.Source, r)
	}
	return msg
}

// Redact returns source with the password of a URL replaced by "xxxxx";
// anything else is returned as it is.
func Redact(source string) string {
	if !IsURL(source) {
		return source
	}
	u, err := url.Parse(source)
	if err != nil || u.User == nil {
		return source
	}
	if _, ok := u.User.Password(); !ok {
		return source
	}
	return u.Redacted()
}

// Unwrap returns the cause.
func (e *SourceError) Unwrap() error { return e.Err }

// sourceError wraps err in a *SourceError naming source, unless it is
// one already.
func sourceError(source string, err error) error {
	var se *SourceError
	if err == nil || (errors.As(err, &se) && se.Source == source) {
		return err
	}
	return &SourceError{Source: source, Err: err}
}
