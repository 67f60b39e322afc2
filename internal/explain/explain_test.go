package explain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/stltest"
)

// TestError words each kind of error as a user should read it.
func TestError(t *testing.T) {
	src := "/parts/a.stl"
	parse := &mesh.ParseError{Path: src, Line: 89, Err: mesh.ErrSyntax}
	tests := []struct {
		name string
		err  error
		want string // the whole sentence, or with a trailing "…" its start
	}{
		{"nil", nil, ""},
		{"a file that is not there", &asyncload.SourceError{Source: src, Err: &fs.PathError{Op: "open", Path: src, Err: fs.ErrNotExist}}, "no such file or folder"},
		{"permission", &fs.PathError{Op: "open", Path: src, Err: fs.ErrPermission}, "permission denied"},
		{"a folder", &fs.PathError{Op: "read", Path: src, Err: syscall.EISDIR}, "is a folder"},
		{"a link loop", &fs.PathError{Op: "open", Path: src, Err: syscall.ELOOP}, "too many levels of symbolic links"},
		{"no STL", &asyncload.SourceError{Source: "/parts", Err: asyncload.ErrNoSTL}, "holds no STL files (*.stl, *.stl.gz)"},
		{"a FIFO", fmt.Errorf("%w: a named pipe (FIFO)", asyncload.ErrNotRegular), "not a regular file (a pipe, socket or device): not read"},
		{"cancelled", &asyncload.SourceError{Source: src, Err: asyncload.ErrCancelled}, "cancelled"},
		{"context", context.Canceled, "cancelled"},
		{"a panic", &asyncload.PanicError{Source: src, Value: "index out of range"}, "stlview failed while reading it (a bug, please report it): index out of range"},
		{"an HTTP status", &asyncload.StatusError{Code: 404, Status: "404 Not Found"}, "the server answered 404 Not Found"},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8799}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "connection refused by 127.0.0.1:8799"},
		{"unknown host", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "nowhere.example"}}, "unknown host nowhere.example"},
		{"a parse error", parse, "line 89: syntax error"},
		{"a budget", &mesh.BudgetError{Need: 206e9, Limit: 2048 << 20, Source: "--cache-mb"}, "needs 206 GB; the memory budget is 2048 MB (--cache-mb)"},
		{"prefixed text", errors.New("asyncload: stl: something odd"), "something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Error(tt.err)
			if w, ok := strings.CutSuffix(tt.want, "…"); ok {
				if !strings.HasPrefix(got, w) {
					t.Errorf("got %q, want it to start %q", got, w)
				}
			} else if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if err := Plain(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestPlain tells internal messages from sentences.
func TestPlain(t *testing.T) {
	for _, s := range []string{"asyncload: x", "x: mesh: y", "Get \"http://a\": dial tcp: refused", "%!v(PANIC)", "<nil>", "mesh at 0xc000123456"} {
		if Plain(s) == nil {
			t.Errorf("Plain(%q): got nil, want it refused", s)
		}
	}
	for _, s := range []string{"part.stl: line 4: syntax error", "/a/mesh.stl: no such file or folder", "--size 1280x800", ""} {
		if err := Plain(s); err != nil {
			t.Errorf("Plain(%q): %v", s, err)
		}
	}
}

// TestLineAndName: a line names its source, quoted where the name could
// forge a line, with a URL's password hidden.
func TestLineAndName(t *testing.T) {
	for _, tt := range []struct{ source, want string }{
		{"/parts/a.stl", "/parts/a.stl"},
		{"/parts/a\nb.stl", `"/parts/a\nb.stl"`},
		{" lead.stl", `" lead.stl"`},
		{"https://user:secret@example.com/a.stl", "https://user:xxxxx@example.com/a.stl"},
		{"https://example.com/a.stl", "https://example.com/a.stl"},
	} {
		if got := Name(tt.source); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.source, got, tt.want)
		}
	}
	if got := Line("/p/a.stl", asyncload.ErrNoSTL); got != "/p/a.stl: holds no STL files (*.stl, *.stl.gz)" {
		t.Errorf("Line: got %q", got)
	}
}

// TestNoDisplay: Ebitengine's failures to find a window system get the
// hint to make a picture instead.
func TestNoDisplay(t *testing.T) {
	for _, msg := range []string{
		"ui: no window system is available: fbdev: failed to open /dev/fb0: no such file or directory",
		"glfw: X11: The DISPLAY environment variable is missing",
	} {
		got := Error(errors.New(msg))
		if !strings.HasPrefix(got, "no display") || !strings.Contains(got, "--screenshot FILE") {
			t.Errorf("%q: got %q, want the no-display hint", msg, got)
		}
	}
}

// TestRealErrors walks the error paths of real loads, as the program
// meets them, and holds every sentence to Plain: decoding broken files,
// folders, special files, downloads that fail every way a test server can
// make them fail, and the memory budget.
func TestRealErrors(t *testing.T) {
	dir := t.TempDir()
	cube := stltest.Encode(t, mesh.Cuboid([3]float32{}, [3]float32{1, 1, 1}), false)
	files := map[string][]byte{
		"empty.stl":     nil,
		"truncated.stl": cube[:len(cube)-10],
		"text.stl":      []byte("hello world"),
		"badvertex.stl": []byte("solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 zz 0\n"),
		"four.stl":      []byte("solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 0 0 0\nvertex 0 0 0\nvertex 0 0 0\n"),
		"bad.stl.gz":    []byte{0x1f, 0x8b, 8, 0, 0, 0},
		"huge.stl":      hugeHeader(),
	}
	var sources []string
	for name, data := range files {
		sources = append(sources, stltest.WriteFile(t, dir, name, data))
	}
	stltest.WriteFile(t, dir, "nothing/readme.txt", []byte("no parts"))
	sources = append(sources, filepath.Join(dir, "nothing"), filepath.Join(dir, "missing.stl"), "/dev/null")

	mux := http.NewServeMux()
	mux.HandleFunc("/stall.stl", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "ftp://x/y", http.StatusFound) })
	mux.HandleFunc("/short.stl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(cube)))
		w.Write(cube[:100])
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/a.stl"
	ln.Close()
	sources = append(sources, srv.URL+"/missing.stl", srv.URL+"/stall.stl", srv.URL+"/loop", srv.URL+"/ftp", srv.URL+"/short.stl", refused,
		"http://user:pw@"+strings.TrimPrefix(srv.URL, "http://")+"/missing.stl", "http://nowhere.invalid/a.stl")

	l, err := asyncload.New(asyncload.Config{Workers: 2, Indexed: true, Budget: asyncload.NewBudget(64<<20, "--cache-mb"), HTTPTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	failures := 0
	for _, h := range l.QueueBatch(sources, asyncload.Normal) {
		<-h.Done()
		r, _ := h.Result()
		r.Release()
		if r.Kind == asyncload.KindFolder && r.Err == nil {
			continue
		}
		if r.Err == nil {
			t.Errorf("%s: loaded, want a failure", r.Source)
			continue
		}
		failures++
		line := Line(r.Source, r.Err)
		if err := Plain(line); err != nil {
			t.Errorf("%s: %v", r.Source, err)
		}
		if strings.Contains(line, "pw@") {
			t.Errorf("%s: the password shows: %q", r.Source, line)
		}
		if !strings.HasPrefix(line, Name(r.Source)+": ") || len(line) < len(Name(r.Source))+6 {
			t.Errorf("%q: want the source and what is wrong", line)
		}
		t.Log(line)
	}
	if failures < len(sources)-1 {
		t.Errorf("%d failures of %d sources", failures, len(sources))
	}
}

// hugeHeader returns a binary STL header claiming 4 294 967 295 triangles
// with one record: it fails the count-against-size check, not the budget.
func hugeHeader() []byte {
	var b bytes.Buffer
	b.Write(make([]byte, 80))
	b.Write([]byte{0xff, 0xff, 0xff, 0xff})
	b.Write(make([]byte, 50))
	return b.Bytes()
}
