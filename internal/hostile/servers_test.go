package hostile

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Servers for the download cases. Each listens on 127.0.0.1 (httptest's
// address) and is closed when its test ends. A handler that waits or
// sends for ever returns when the stop channel it was made with closes,
// which happens first; serve then waits for every handler, those that took
// their connection from net/http too (Server.Close does not wait for
// them), so that no goroutine outlives the test.

// serve starts a server for t of the handler that handler makes, given
// the stop channel, and returns its URL.
func serve(t testing.TB, handler func(stop <-chan struct{}) http.Handler) string {
	t.Helper()
	stop := make(chan struct{})
	h := handler(stop)
	var running sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		running.Add(1)
		defer running.Done()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(stop)
		srv.Close()
		running.Wait()
	})
	return srv.URL
}

// hijack answers with raw bytes: it takes the connection from net/http,
// sends what fn writes and closes it, so a handler can say what no
// well-behaved server would.
func hijack(w http.ResponseWriter, fn func(c net.Conn, bw *bufio.Writer)) {
	c, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer c.Close()
	fn(c, rw.Writer)
	rw.Flush()
}

// serveShort promises data's full Content-Length and sends only its first
// n bytes before closing the connection.
func serveShort(data []byte, n int) func(<-chan struct{}) http.Handler {
	return func(<-chan struct{}) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hijack(w, func(_ net.Conn, bw *bufio.Writer) {
				fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: model/stl\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(data))
				bw.Write(data[:n])
			})
		})
	}
}

// serveEndless sends a body without a length that never ends: head, then
// block after block until the client hangs up or the test ends.
func serveEndless(head, block []byte) func(<-chan struct{}) http.Handler {
	return func(stop <-chan struct{}) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hijack(w, func(c net.Conn, bw *bufio.Writer) {
				bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: model/stl\r\nConnection: close\r\n\r\n")
				bw.Write(head)
				bw.Flush()
				for {
					select {
					case <-stop:
						return
					default:
					}
					c.SetWriteDeadline(time.Now().Add(time.Second))
					if _, err := c.Write(block); err != nil && !isTimeout(err) {
						return // the client hung up
					}
				}
			})
		})
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// serveStall sends the headers of a 1000-byte body, then nothing, until
// the client hangs up or the test ends.
func serveStall(stop <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
}

// serveSilent accepts the request and answers nothing, not even headers.
func serveSilent(stop <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hijack(w, func(c net.Conn, _ *bufio.Writer) {
			gone := make(chan struct{})
			go func() { // a read ends when the client hangs up
				defer close(gone)
				var b [1]byte
				c.Read(b[:])
			}()
			select {
			case <-gone:
			case <-stop:
				c.Close()
				<-gone
			}
		})
	})
}

// serveTrickle sends data in pieces, pause apart, with its Content-Length:
// a slow download that never pauses for long.
func serveTrickle(data []byte, pieces int, pause time.Duration) func(<-chan struct{}) http.Handler {
	return func(stop <-chan struct{}) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			step := (len(data) + pieces - 1) / pieces
			for off := 0; off < len(data); off += step {
				if off > 0 {
					select {
					case <-time.After(pause):
					case <-stop:
						return
					}
				}
				w.Write(data[off:min(off+step, len(data))])
				w.(http.Flusher).Flush()
			}
		})
	}
}

// serveRedirects redirects /hop/N to /hop/N-1 down to /hop/0, which serves
// data; /loop redirects to itself, /to?url=U to U, /moved to
// /secret-target.stl, which is not there. It counts requests in *hits,
// unless hits is nil.
func serveRedirects(data []byte, hits *atomic.Int64) func(<-chan struct{}) http.Handler {
	return func(<-chan struct{}) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hits != nil {
				hits.Add(1)
			}
			switch p := r.URL.Path; {
			case p == "/loop":
				http.Redirect(w, r, "/loop", http.StatusFound)
			case p == "/moved":
				http.Redirect(w, r, "/secret-target.stl", http.StatusFound)
			case p == "/to":
				http.Redirect(w, r, r.URL.Query().Get("url"), http.StatusFound)
			case p == "/hop/0":
				w.Write(data)
			case strings.HasPrefix(p, "/hop/"):
				var n int
				fmt.Sscan(strings.TrimPrefix(p, "/hop/"), &n)
				http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			default:
				http.NotFound(w, r)
			}
		})
	}
}
