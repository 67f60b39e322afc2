package asyncload

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/mesh"
)

// stlServer serves model at /model.stl, with Content-Length, and at
// /chunked.stl without it, plus /missing.stl as a 404, /slow.stl which
// sends half the body and then stalls until the client goes away, and
// /drip.stl which sends the body in small pieces with pauses.
func stlServer(t *testing.T, model []byte) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/model.stl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(model)))
		w.Write(model)
	})
	mux.HandleFunc("/chunked.stl", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(model); i += 1000 { // flushing pieces forces chunked encoding
			w.Write(model[i:min(i+1000, len(model))])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow.stl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(model)))
		w.Write(model[:len(model)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/drip.stl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(model)))
		for i := 0; i < len(model); i += len(model) / 10 {
			w.Write(model[i:min(i+len(model)/10, len(model))])
			w.(http.Flusher).Flush()
			select {
			case <-time.After(5 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/steady.stl", func(w http.ResponseWriter, r *http.Request) {
		// Ten pieces 60 ms apart: the whole takes longer than the test's
		// idle timeout (500 ms), each pause an eighth of it, which leaves
		// room for a starved scheduler under -race on two cores.
		w.Header().Set("Content-Length", strconv.Itoa(len(model)))
		for i := 0; i < len(model); i += len(model) / 10 {
			w.Write(model[i:min(i+len(model)/10, len(model))])
			w.(http.Flusher).Flush()
			select {
			case <-time.After(60 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/silent.stl", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // no headers, ever
	})
	mux.HandleFunc("/short.stl", func(w http.ResponseWriter, r *http.Request) {
		// Promise the whole model, send the first 30 bytes past the
		// header's count (the decoder has the count it needs much later),
		// then drop the connection.
		w.Header().Set("Content-Length", strconv.Itoa(len(model)))
		w.Write(model[:len(model)/3])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	ascii := stltest.Encode(t, mesh.Torus(2, 0.5, 6, 5), true) // 60 facets
	mux.HandleFunc("/short-ascii.stl", func(w http.ResponseWriter, r *http.Request) {
		// Five whole facets of the 60 promised, then the connection drops.
		end := 0
		for range 5 {
			end += strings.Index(string(ascii[end:]), "endfacet") + len("endfacet\n")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(ascii)))
		w.Write(ascii[:end])
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/redirect/"))
		if n <= 0 {
			http.Redirect(w, r, "/model.stl", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://127.0.0.1/model.stl", http.StatusFound)
	})
	mux.HandleFunc("/to-missing", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/missing.stl", http.StatusFound)
	})
	srv := httptest.NewServer(mux) // /missing.stl: the mux answers 404
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	model := stltest.Encode(t, mesh.Torus(2, 0.5, 40, 40), false) // 3200 faces, 160 084 bytes
	srv := stlServer(t, model)
	tests := []struct {
		name     string
		path     string
		cfg      Config
		wantErr  error  // nil: the load completes
		wantText string // in the error, besides the URL
	}{
		{"with Content-Length", "/model.stl", Config{}, nil, ""},
		{"chunked", "/chunked.stl", Config{}, nil, ""},
		{"not found", "/missing.stl", Config{}, ErrHTTPStatus, "404 Not Found"},
		{"over the cap, Content-Length", "/model.stl", Config{MaxSize: 100_000}, mesh.ErrTooLarge, "Content-Length"},
		{"over the cap, chunked", "/chunked.stl", Config{MaxSize: 100_000}, mesh.ErrTooLarge, "100000"},
		{"stalled mid-body", "/slow.stl", Config{HTTPTimeout: 50 * time.Millisecond}, nil, "sent nothing"},
		{"stalled before the headers", "/silent.stl", Config{HTTPTimeout: 50 * time.Millisecond}, nil, "sent nothing"},
		{"slow but steady", "/steady.stl", Config{HTTPTimeout: 500 * time.Millisecond}, nil, ""},
		{"shorter than its Content-Length", "/short.stl", Config{}, mesh.ErrTruncated, ""},
		{"ASCII, shorter than its Content-Length", "/short-ascii.stl", Config{}, mesh.ErrTruncated, ""},
		{"redirected", "/redirect/1", Config{}, nil, ""},
		{"redirected five times", "/redirect/4", Config{}, nil, ""},
		{"redirected too often", "/redirect/5", Config{}, ErrRedirect, "redirects"},
		{"redirected to ftp", "/to-ftp", Config{}, ErrRedirect, "ftp"},
		{"redirected to a 404", "/to-missing", Config{}, ErrHTTPStatus, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Workers = 1
			l := newLoader(t, tt.cfg)
			url := srv.URL + tt.path
			r := wait(t, queue(t, l, url, Normal, QueueOptions{}))
			if tt.wantErr == nil && tt.wantText == "" {
				if r.State != Completed || r.Mesh.Faces() != 3200 {
					t.Fatalf("got %v (%v); want a completed mesh of 3200 faces", r.State, r.Err)
				}
				if r.Bytes != int64(len(model)) || !r.ModTime.IsZero() {
					t.Errorf("Bytes, ModTime: got %d, %v; want %d, zero", r.Bytes, r.ModTime, len(model))
				}
				return
			}
			if r.State != Failed {
				t.Fatalf("got %v, want failed", r.State)
			}
			if tt.wantErr != nil && !errors.Is(r.Err, tt.wantErr) {
				t.Errorf("error: got %v, want %v", r.Err, tt.wantErr)
			}
			if msg := r.Err.Error(); !strings.Contains(msg, url+": ") || !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q: want it to name the URL given, %s, and say %q", msg, url, tt.wantText)
			}
			var se *SourceError
			if !errors.As(r.Err, &se) || se.Source != url {
				t.Errorf("error %v: want a *SourceError of %s", r.Err, url)
			}
		})
	}
}

// TestHTTPErrorsNameTheURL: a password in the URL never shows in an
// error, and a refused connection says so in a sentence of net's.
func TestHTTPErrorsNameTheURL(t *testing.T) {
	t.Parallel()
	srv := stlServer(t, stltest.Encode(t, mesh.Torus(2, 0.5, 8, 8), false))
	l := newLoader(t, Config{Workers: 1})
	secret := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/to-missing"
	r := wait(t, queue(t, l, secret, Normal, QueueOptions{}))
	if msg := r.Err.Error(); r.State != Failed || strings.Contains(msg, "hunter2") || !strings.Contains(msg, "user:xxxxx@") {
		t.Errorf("got %v, %q; want a failure that hides the password", r.State, msg)
	}
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r = wait(t, queue(t, l, "http://"+addr+"/a.stl", Normal, QueueOptions{}))
	if msg := r.Err.Error(); r.State != Failed || !strings.Contains(msg, "connection refused") || strings.Contains(msg, `Get "`) {
		t.Errorf("got %v, %q; want a refused connection, without Go's quoting", r.State, msg)
	}
}

func TestHTTPCancelMidBody(t *testing.T) {
	t.Parallel()
	model := stltest.Encode(t, mesh.Torus(2, 0.5, 40, 40), false)
	srv := stlServer(t, model)
	l := newLoader(t, Config{Workers: 1})
	h := queue(t, l, srv.URL+"/slow.stl", Normal, QueueOptions{})
	// Half the body arrives, then the server stalls.
	waitFor(t, "half the body", func() bool { return l.Status(h).Progress >= 0.4 })
	if s := l.Status(h); s.State != Loading || s.Progress > 0.6 {
		t.Fatalf("Status: got %v at %.2f, want loading near 0.5", s.State, s.Progress)
	}
	l.Cancel(h)
	if r := wait(t, h); r.State != Cancelled || r.Bytes < int64(len(model))/3 {
		t.Errorf("got %v after %d bytes, want cancelled after about half", r.State, r.Bytes)
	}
	// The worker is free again.
	next := queue(t, l, srv.URL+"/model.stl", Normal, QueueOptions{})
	if r := wait(t, next); r.State != Completed {
		t.Errorf("the next download: got %v (%v), want completed", r.State, r.Err)
	}
}

func TestProgressOnlyGrows(t *testing.T) {
	t.Parallel()
	srv := stlServer(t, stltest.Encode(t, mesh.Torus(2, 0.5, 40, 40), false))
	l := newLoader(t, Config{Workers: 1})
	h := queue(t, l, srv.URL+"/drip.stl", Normal, QueueOptions{})
	var seen []float64
	for last := -1.0; ; {
		s := l.Status(h)
		if s.Progress < last {
			t.Fatalf("progress went from %v to %v", last, s.Progress)
		}
		if s.Progress != last {
			seen = append(seen, s.Progress)
		}
		last = s.Progress
		if s.State.Final() {
			if s.State != Completed || s.Progress != 1 {
				t.Fatalf("final status: got %v at %v, want completed at 1", s.State, s.Progress)
			}
			break
		}
		time.Sleep(200 * time.Microsecond)
	}
	if len(seen) < 4 {
		t.Errorf("saw progress values %v; want several steps between 0 and 1", seen)
	}
}

// slowReader returns one byte per Read after waiting delay, n times.
type slowReader struct {
	delay time.Duration
	n     int
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	r.n--
	p[0] = 's'
	return 1, nil
}

// TestIdleReader: only time spent waiting inside a Read counts as idle,
// not the time the consumer spends between reads.
func TestIdleReader(t *testing.T) {
	t.Parallel()
	const idle = 50 * time.Millisecond
	tests := []struct {
		name      string
		wait      time.Duration // inside each Read
		between   time.Duration // the consumer's work after each Read
		wantIdled bool
	}{
		{"a stalled server", 4 * idle, 0, true},
		{"a busy consumer", 0, 3 * idle, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			ir := newIdleReader(&slowReader{delay: tt.wait, n: 2}, idle, cancel)
			defer ir.stop()
			buf := make([]byte, 1)
			for {
				if _, err := ir.Read(buf); err != nil {
					break
				}
				time.Sleep(tt.between)
			}
			time.Sleep(2 * idle) // after EOF: the timer must stay stopped
			if idled := errors.Is(context.Cause(ctx), errIdle); idled != tt.wantIdled {
				t.Errorf("cancelled as idle: got %v (cause %v), want %v", idled, context.Cause(ctx), tt.wantIdled)
			}
		})
	}
}
