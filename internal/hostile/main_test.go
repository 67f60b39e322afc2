package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"
)

// Limits every case is held to, from the "Done when".
const (
	timeLimit  = 10 * time.Second // per run, measured from outside
	stallLimit = 45 * time.Second // a stalled server at the default idle timeout
	rssLimitMB = 256              // peak resident memory of the child
	killAfter  = 20 * time.Second // past its limit a child is killed, so a hang fails instead of stalling the suite
)

// Programs built once by TestMain from the module's own sources, and the
// folder they are in, which lasts as long as the test binary.
var (
	stlviewBin  string // the program under test
	stlgenBin   string // the generator of genuine meshes
	launcherBin string // what starts stlview, where memory is measured (rusage_unix_test.go)
	workDir     string
)

// heavy serialises the cases that use a lot of CPU, memory or disk: the
// machine running make test may have two cores, and the others' timing
// must not suffer from them. Light cases (the stalled servers among them,
// which only wait) run beside them.
var heavy = make(chan struct{}, 1)

// holdHeavy takes the heavy slot until t ends.
func holdHeavy(t testing.TB) {
	heavy <- struct{}{}
	t.Cleanup(func() { <-heavy })
}

// TestMain builds the programs once for every test and benchmark, and
// checks at the end that no goroutine (a server's, a wait's) outlived its
// test.
func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "stlview-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	workDir = dir
	if err := buildPrograms(dir); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		return 1
	}
	code := m.Run()
	if code == 0 {
		// The servers and waits the cases start must all have ended.
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "hostile: goroutines leaked:", err)
			return 1
		}
	}
	return code
}

// buildPrograms builds cmd/stlview, cmd/stlgen and, where memory is
// measured, the launcher into dir with the go command that runs the tests
// ("go test" puts its own first on PATH). They are ordinary builds: -race
// applies to the test binary only, since the race detector's own memory
// would blow the RSS limit.
func buildPrograms(dir string) error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("not inside the stlview module (go env GOMOD is empty)")
	}
	stlviewBin = filepath.Join(dir, "stlview")
	stlgenBin = filepath.Join(dir, "stlgen")
	pkgs := []string{"./cmd/stlview", "./cmd/stlgen"}
	if launcherPackage != "" {
		launcherBin = filepath.Join(dir, "launcher")
		pkgs = append(pkgs, launcherPackage)
	}
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "GOFLAGS="+withoutRace(os.Getenv("GOFLAGS")))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// withoutRace returns GOFLAGS without -race.
func withoutRace(flags string) string {
	var keep []string
	for _, f := range strings.Fields(flags) {
		if f != "-race" && f != "-race=true" {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// A record is one line of stlview --info --json: a file's report, or a
// folder's line saying how many links out of it the walk skipped.
type record struct {
	Path      string  `json:"path"`
	OK        bool    `json:"ok"`
	Triangles int     `json:"triangles"`
	Bytes     int64   `json:"bytes"`
	Error     string  `json:"error"`
	MS        float64 `json:"ms"`

	Folder  bool `json:"folder"`
	Skipped int  `json:"skipped"`
}

// A run is what one child did, seen from outside.
type run struct {
	args           []string
	code           int
	signalled      string // the signal that ended it, if one did
	stdout, stderr string
	wall           time.Duration
	rssMB          float64  // peak resident memory; -1 where rusage cannot say
	files          []record // the lines of files, in order
	folders        []record // the lines of folders
	badLines       []string // what standard output holds that is not a JSON line of either
}

// An outcome is how a child ended.
type outcome struct {
	code      int     // its exit code, or -1
	signalled string  // the signal that ended it, if one did
	rssMB     float64 // its peak resident memory; -1 where that cannot be known
}

// runInfo runs stlview --info --json with args (flags, then inputs) in
// dir and returns what it did. A child still running killAfter past limit
// is killed; the caller's checks then report it as too slow.
func runInfo(t testing.TB, dir string, limit time.Duration, args ...string) run {
	t.Helper()
	r := runProgram(t, dir, limit, stlviewBin, append([]string{"--info", "--json"}, args...)...)
	r.parseLines()
	return r
}

// runProgram runs bin with args in dir, measuring its wall time from here
// and its peak memory (see runMeasured), and kills it killAfter past limit.
func runProgram(t testing.TB, dir string, limit time.Duration, bin string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit+killAfter)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	o, err := runMeasured(ctx, dir, &stdout, &stderr, bin, args...)
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("%s %s: %v", filepath.Base(bin), strings.Join(args, " "), err)
	}
	return run{args: args, code: o.code, signalled: o.signalled, stdout: stdout.String(), stderr: stderr.String(), wall: wall, rssMB: o.rssMB}
}

// A want is what one file's line must say. For a failure, every string
// in errHas must appear in the error sentence.
type want struct {
	path      string // as the record names it; "" matches any
	ok        bool
	either    bool // junk: a failure, or ok with triangles (what the data says)
	triangles int
	errHas    []string
}

// ok wants path loaded with triangles.
func ok(path string, triangles int) want { return want{path: path, ok: true, triangles: triangles} }

// fails wants path failed, with an error sentence that says errHas.
func fails(path string, errHas ...string) want { return want{path: path, errHas: errHas} }

// okOrFails wants path either loaded with exactly triangles, or failed
// with an error sentence that says errHas: for input where refusing it and
// reporting what the data says are both honest answers (junk that yields
// no faces; loads that compete for one budget).
func okOrFails(path string, triangles int, errHas ...string) want {
	return want{path: path, either: true, triangles: triangles, errHas: errHas}
}

// goSyntax are fragments of Go's own error text that must not reach a
// user's sentence: package prefixes, net/http's quoting of the URL, net's
// operation prefixes, fmt's bad-verb marks, a panic's text.
var goSyntax = []string{
	"asyncload:", "mesh:", "stl:", "explain:", "http:", "net/http", "gzip:", "flate:",
	`Get "`, `Head "`, "dial tcp", "read tcp", "%!", "goroutine ", "panic:", "runtime error", "<nil>",
}

// check holds r to the rules every case shares and to the files wanted,
// in order: exit 0 exactly when all files are ok and 1 otherwise, never a
// signal; standard output is one JSON object a line, one per file (and a
// folder's line where one is wanted); standard error is the summary line
// or nothing; the run finished within limit and its peak memory stayed
// under rssLimitMB.
func check(t testing.TB, r run, limit time.Duration, wants ...want) {
	t.Helper()
	if r.signalled != "" {
		t.Errorf("ended by a signal (%s) after %v; stderr %q", r.signalled, r.wall.Round(time.Millisecond), tail(r.stderr))
	}
	if r.wall > limit {
		t.Errorf("took %v, want at most %v", r.wall.Round(time.Millisecond), limit)
	}
	if r.rssMB > rssLimitMB {
		t.Errorf("peak RSS %.0f MB, want at most %d MB", r.rssMB, rssLimitMB)
	}
	for _, bad := range r.badLines {
		t.Errorf("standard output %s", bad)
	}

	failed := 0
	for i, w := range wants {
		if !w.ok && (!w.either || i >= len(r.files) || !r.files[i].OK) {
			failed++
		}
	}
	wantCode := 0
	if failed > 0 {
		wantCode = 1
	}
	if r.code != wantCode && r.signalled == "" {
		t.Errorf("exit code %d, want %d (stderr %q)", r.code, wantCode, tail(r.stderr))
	}
	wantErr := ""
	if failed > 0 {
		wantErr = fmt.Sprintf("stlview: %d of %d %s failed\n", failed, len(wants), plural(len(wants), "source", "sources"))
	}
	if r.stderr != wantErr {
		t.Errorf("standard error %q, want %q", tail(r.stderr), wantErr)
	}

	if len(r.files) != len(wants) {
		t.Errorf("%d file lines, want %d:\n%s", len(r.files), len(wants), tail(r.stdout))
	}
	for i, w := range wants[:min(len(wants), len(r.files))] {
		checkRecord(t, r.files[i], w)
	}
}

// checkRecord holds one file's line to w.
func checkRecord(t testing.TB, got record, w want) {
	t.Helper()
	if w.path != "" && got.Path != w.path {
		t.Errorf("a line for %q, want %q", got.Path, w.path)
	}
	if w.either {
		w.ok = got.OK
	}
	switch {
	case w.ok && (!got.OK || got.Triangles != w.triangles):
		t.Errorf("%s: ok %v, %d triangles (error %q); want ok, %d triangles", got.Path, got.OK, got.Triangles, got.Error, w.triangles)
	case !w.ok && got.OK:
		t.Errorf("%s: ok with %d triangles; want a failure saying %q", got.Path, got.Triangles, w.errHas)
	case !w.ok:
		checkSentence(t, got)
		for _, s := range w.errHas {
			if !strings.Contains(got.Error, s) {
				t.Errorf("%s: error %q, want it to say %q", got.Path, got.Error, s)
			}
		}
	}
}

// checkSentence checks that a failure's error reads as a sentence for a
// user: present, one line, and free of Go's own syntax.
func checkSentence(t testing.TB, got record) {
	t.Helper()
	e := got.Error
	if strings.TrimSpace(e) == "" {
		t.Errorf("%s: failed with no error sentence", got.Path)
		return
	}
	if strings.ContainsAny(e, "\n\r") {
		t.Errorf("%s: error %q spans lines", got.Path, e)
	}
	for _, s := range goSyntax {
		if strings.Contains(e, s) {
			t.Errorf("%s: error %q holds Go's %q", got.Path, e, s)
		}
	}
}

// parseLines splits r's standard output into file and folder lines,
// keeping in r.badLines a description of anything else.
func (r *run) parseLines() {
	out := r.stdout
	if out != "" && !strings.HasSuffix(out, "\n") {
		r.badLines = append(r.badLines, fmt.Sprintf("does not end with a newline: %q", tail(out)))
	}
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		var obj map[string]any
		var rec record
		if !utf8.ValidString(line) || json.Unmarshal([]byte(line), &obj) != nil || json.Unmarshal([]byte(line), &rec) != nil {
			r.badLines = append(r.badLines, fmt.Sprintf("has a line that is not one JSON object: %q", line))
			continue
		}
		if _, isFolder := obj["folder"]; isFolder {
			r.folders = append(r.folders, rec)
			continue
		}
		for _, k := range []string{"path", "ok", "triangles"} {
			if _, has := obj[k]; !has {
				r.badLines = append(r.badLines, fmt.Sprintf("has a line without %q: %q", k, line))
			}
		}
		r.files = append(r.files, rec)
	}
}

// tail returns the end of s, enough to see what went wrong.
func tail(s string) string {
	const n = 2000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
