package asyncload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/stlview/stlview/internal/mesh"
)

// HTTP limits besides Config.HTTPTimeout.
const (
	connectTimeout = 10 * time.Second // to set up a connection, TLS included
	maxRedirects   = 5
)

// newHTTPClient returns the Loader's client: a transport of its own, so
// Close can drop its idle connections (and their goroutines) without
// touching http.DefaultTransport, with connect and header timeouts, and
// at most maxRedirects redirects, to http and https URLs only. The idle
// timeout within a body is fetch's.
func newHTTPClient(idle time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connectTimeout
	t.ResponseHeaderTimeout = idle
	return &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("%w: more than %d redirects", ErrRedirect, maxRedirects)
			}
			if s := req.URL.Scheme; s != "http" && s != "https" {
				return fmt.Errorf("%w: to a %s: URL", ErrRedirect, s)
			}
			return nil
		},
	}
}

// fetch downloads and decodes the URL j.key, streaming the body into the
// decoder: progress follows the bytes received against the Content-Length.
// A download fails when no byte comes for Config.HTTPTimeout, when the
// body ends before its Content-Length (mesh.ErrTruncated), or when it
// grows past Config.MaxSize; cancelling ctx aborts it mid-body. Errors
// name the URL as it was given, without its password, however many
// redirects were followed.
func (l *Loader) fetch(ctx context.Context, j *job) outcome {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.key, nil)
	if err != nil {
		return outcome{err: err, size: -1}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return outcome{err: httpError(err), size: -1}
	}
	defer resp.Body.Close() // read-only: closing cannot lose data
	size := resp.ContentLength
	if resp.StatusCode != http.StatusOK {
		return outcome{err: &StatusError{Code: resp.StatusCode, Status: resp.Status}, size: size}
	}
	if size > l.cfg.MaxSize {
		return outcome{err: fmt.Errorf("%w: Content-Length is %d bytes, over the %d-byte cap",
			mesh.ErrTooLarge, size, l.cfg.MaxSize), size: size}
	}
	j.size.Store(size)
	body := newIdleReader(resp.Body, l.cfg.HTTPTimeout, cancel)
	defer body.stop()
	// With size -1 (no Content-Length) the decoder reads into memory and
	// stops at MaxSize with a mesh.ErrTooLarge error naming the URL.
	m, err := l.decoder(j).Decode(ctx, &countingReader{r: body, n: &j.read}, size)
	if err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, errIdle) {
			err = cause
		}
		return outcome{err: httpError(err), size: size}
	}
	if size >= 0 && j.read.Load() < size {
		// The decoder had what it needed (a binary count can be met
		// before the end): the rest was promised all the same.
		return outcome{err: fmt.Errorf("%w: the body ended after %d of the %d bytes of its Content-Length", mesh.ErrTruncated, j.read.Load(), size), size: size}
	}
	return outcome{mesh: m, err: nil, size: size}
}

// httpError returns err without the URL net/http wraps it in (it may be a
// redirect's target, and may hold a password): the load's SourceError
// names the URL given, redacted. A timeout is said as one.
func httpError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		if errors.Is(inner, context.Canceled) {
			return err // the load was cancelled: the worker says so
		}
		if ue.Timeout() && !errors.Is(inner, errIdle) {
			return fmt.Errorf("%w: %w", errIdle, inner)
		}
		return inner
	}
	return err
}

// ErrRedirect means a download was redirected too often, or to a URL
// that is not http or https.
var ErrRedirect = errors.New("bad redirect")

// errIdle is the cause of a download cancelled for receiving nothing.
var errIdle = errors.New("the server sent nothing for too long")

// idleReader reads r, cancelling the download (with errIdle) when one
// Read waits longer than idle for its first byte: a stalled server fails
// the load, a slow one does not, and the time the decoder spends between
// reads (welding after the last byte, say) never counts.
type idleReader struct {
	r     io.Reader
	idle  time.Duration
	timer *time.Timer
	once  sync.Once
}

func newIdleReader(r io.Reader, idle time.Duration, cancel context.CancelCauseFunc) *idleReader {
	ir := &idleReader{r: r, idle: idle}
	ir.timer = time.AfterFunc(idle, func() { cancel(fmt.Errorf("%w (%v)", errIdle, idle)) })
	ir.timer.Stop() // armed only while a Read waits
	return ir
}

func (ir *idleReader) Read(p []byte) (int, error) {
	ir.timer.Reset(ir.idle)
	n, err := ir.r.Read(p)
	ir.timer.Stop()
	return n, err
}

// stop stops the timer; the reader must not be used after.
func (ir *idleReader) stop() { ir.once.Do(func() { ir.timer.Stop() }) }
