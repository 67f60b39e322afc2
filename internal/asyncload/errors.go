package asyncload

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"github.com/stlview/stlview/internal/mesh"
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
)

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

// sourceError makes err name source, unless it is of a type that already
// does: the decoder's errors, os errors on the file itself, HTTP client
// errors and panics all carry the path or URL.
func sourceError(source string, err error) error {
	switch err.(type) {
	case nil, *mesh.ParseError, *fs.PathError, *url.Error, *PanicError:
		return err
	}
	return fmt.Errorf("asyncload: %s: %w", source, err)
}
