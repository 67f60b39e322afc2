// Package explain turns the errors stlview meets into the sentences its
// users read: what is wrong, in plain words, without package prefixes or
// Go's quoting, with a hint where one helps. Every mode (the window, --info,
// pictures, the benchmark) reports through it, one line per source:
//
//	stlview: part.stl: line 89: syntax error: vertex coordinate "blah" is not a number
//
// The functions ask errors what they are (errors.As, errors.Is); they
// never parse error strings, except to strip the prefixes of errors that
// have no type to ask.
package explain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
)

// Line returns the line a program prints for a source that failed:
// "SOURCE: what is wrong". A source with control characters (a file name
// with a newline) is quoted, so it cannot forge a line of its own.
func Line(source string, err error) string {
	return Name(source) + ": " + Error(err)
}

// Name returns source as it should appear in a line of output: as it is,
// or quoted when it holds control characters or leading or trailing
// spaces, and with the password of a URL hidden.
func Name(source string) string {
	source = asyncload.Redact(source)
	for _, r := range source {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return strconv.Quote(source)
		}
	}
	if strings.TrimSpace(source) != source {
		return strconv.Quote(source)
	}
	return source
}

// Error returns what is wrong, for a line that names the source already:
// no source, no package prefixes, no Go syntax.
func Error(err error) string {
	if err == nil {
		return ""
	}
	// The source is named by the line: say what is wrong with it.
	for {
		var se *asyncload.SourceError
		if !errors.As(err, &se) {
			break
		}
		err = se.Err
	}
	var (
		pe  *mesh.ParseError
		be  *mesh.BudgetError
		pan *asyncload.PanicError
		se  *asyncload.StatusError
		ue  *url.Error
		fe  *fs.PathError
		ne  net.Error
	)
	var oe *net.OpError
	switch {
	case errors.As(err, &pe):
		return parseError(pe) // before the budget: the decoder's wording adds the count
	case errors.As(err, &be):
		return be.Error()
	case errors.Is(err, asyncload.ErrNoSTL):
		return "holds no STL files (*.stl, *.stl.gz)"
	case errors.Is(err, asyncload.ErrNotRegular):
		return "not a regular file (a pipe, socket or device): not read"
	case errors.Is(err, asyncload.ErrCancelled), errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &pan):
		return fmt.Sprintf("stlview failed while reading it (a bug, please report it): %v", pan.Value)
	case errors.As(err, &se):
		return "the server answered " + se.Status
	case errors.As(err, &ue):
		return urlError(ue)
	case errors.As(err, &oe):
		return opError(oe)
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.As(err, &fe):
		return pathError(fe)
	case IsNoDisplay(err):
		return "no display to open a window on: use --screenshot FILE to write a picture instead, or run under a desktop session"
	}
	return stripPrefixes(err.Error())
}

// parseError words a decoder error: its position, then what is wrong.
func parseError(pe *mesh.ParseError) string {
	at := *pe
	at.Path = ""
	s := strings.TrimPrefix(at.Error(), "stl: ")
	// An I/O error below the decoder says it better itself.
	var fe *fs.PathError
	if errors.As(pe.Err, &fe) {
		return pathError(fe)
	}
	return s
}

// pathError words a file system error without the path, which the line
// names already.
func pathError(fe *fs.PathError) string {
	switch {
	case errors.Is(fe.Err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(fe.Err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(fe.Err, syscall.EISDIR):
		return "is a folder"
	case errors.Is(fe.Err, syscall.ELOOP):
		return "too many levels of symbolic links"
	}
	msg := fe.Err.Error()
	if errno, ok := fe.Err.(syscall.Errno); ok {
		msg = errno.Error()
	}
	return fe.Op + ": " + msg
}

// urlError words a download error: the cause, not Go's "Get "URL": ...".
func urlError(ue *url.Error) string {
	var oe *net.OpError
	var dnsErr *net.DNSError
	switch {
	case ue.Timeout():
		return "the server did not answer in time"
	case errors.As(ue.Err, &dnsErr):
		return "unknown host " + dnsErr.Name
	case errors.As(ue.Err, &oe):
		return opError(oe)
	case errors.Is(ue.Err, os.ErrDeadlineExceeded):
		return "the server stopped sending"
	}
	return Error(ue.Err)
}

// opError words a network error: what failed, and with whom.
func opError(oe *net.OpError) string {
	var dnsErr *net.DNSError
	what := "the connection failed"
	switch {
	case errors.As(oe.Err, &dnsErr):
		return "unknown host " + dnsErr.Name
	case errors.Is(oe.Err, syscall.ECONNREFUSED):
		what = "connection refused"
	case errors.Is(oe.Err, syscall.ECONNRESET):
		what = "the connection was reset"
	case oe.Timeout():
		what = "timed out"
	case oe.Op == "dial":
		what = "cannot connect"
	}
	if oe.Addr != nil {
		return what + " by " + oe.Addr.String()
	}
	return what
}

// Plain returns nil if s is fit for a user to read, or an error that says
// what gives it away as an internal message: a package prefix, Go's
// quoting of a request ("Get \"...\""), a raw dial error, Go's printing
// of a value it could not format. Tests hold every message they reach to
// it.
func Plain(s string) error {
	for _, p := range prefixes {
		// At the start or after a space or colon: "part.stl: " is a name.
		for i := strings.Index(s, p); i >= 0; i = next(s, p, i) {
			if i == 0 || s[i-1] == ' ' || s[i-1] == ':' {
				return fmt.Errorf("package prefix %q in %q", p, s)
			}
		}
	}
	for _, bad := range []string{`Get "`, `Head "`, `Post "`, "dial tcp", "dial udp", "%!", "<nil>", "&{"} {
		if strings.Contains(s, bad) {
			return fmt.Errorf("%q in %q", bad, s)
		}
	}
	if p := pointer.FindString(s); p != "" {
		return fmt.Errorf("a pointer, %s, in %q", p, s)
	}
	return nil
}

// pointer matches a printed address.
var pointer = regexp.MustCompile(`\b0x[0-9a-f]{8,}\b`)

// next returns the index of the next p in s after the one at i, or -1.
func next(s, p string, i int) int {
	j := strings.Index(s[i+1:], p)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// prefixes are the package prefixes of errors that have no type to ask.
var prefixes = []string{"asyncload: ", "stl: ", "mesh: ", "render: ", "scene: ", "ui: ", "raster: ", "picture: ", "lod: ", "analysis: ", "shading: ", "edges: "}

func stripPrefixes(s string) string {
	for again := true; again; {
		again = false
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				s, again = s[len(p):], true
			}
		}
	}
	return s
}

// IsNoDisplay reports whether err is Ebitengine's failure to find a window
// system (no DISPLAY, no Wayland, no framebuffer).
func IsNoDisplay(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no window system is available") || strings.Contains(s, "failed to open display") ||
		strings.Contains(s, "DISPLAY environment variable") || strings.Contains(s, "glfw: X11: ")
}
