package hostile

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stlview/stlview/internal/stltest"
)

// A hostileCase is one run of stlview --info --json on input made to hurt
// it. Every case is held to check's rules: exit 0 or 1 as the files
// deserve, one clean JSON line per file, the summary alone on standard
// error, within its time limit and rssLimitMB.
type hostileCase struct {
	name  string
	heavy bool          // big generation or a big load: run one at a time
	limit time.Duration // 0 means timeLimit
	// folders is how many folder lines (links skipped) the run prints.
	folders int
	// input makes the input in dir and returns the arguments after
	// --info --json and the file lines wanted, in order.
	input func(t *testing.T, dir string) (args []string, wants []want)
	// more, if set, checks more of the run.
	more func(t *testing.T, r run)
}

// claimAll is the triangle count of the sparse file: the most a binary
// STL header can claim.
const claimAll = 1<<32 - 1

// cases returns every case, the special files of this system included.
func cases() []hostileCase {
	return append(append(fileCases(), downloadCases()...), specialCases()...)
}

// TestHostile runs every case as a parallel subtest; heavy ones take
// turns.
func TestHostile(t *testing.T) {
	t.Parallel()
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if testing.Short() && (tc.heavy || tc.limit > timeLimit) {
				t.Skip("a heavy or slow case: skipped with -short")
			}
			if tc.heavy {
				holdHeavy(t)
			}
			dir := t.TempDir()
			args, wants := tc.input(t, dir)
			limit := tc.limit
			if limit == 0 {
				limit = timeLimit
			}
			r := runInfo(t, dir, limit, args...)
			t.Logf("stlview %s: %v, peak RSS %.0f MB, exit %d\n%s", strings.Join(r.args, " "), r.wall.Round(time.Millisecond), r.rssMB, r.code, tail(r.stdout))
			check(t, r, limit, wants...)
			if len(r.folders) != tc.folders {
				t.Errorf("%d folder lines, want %d:\n%s", len(r.folders), tc.folders, tail(r.stdout))
			}
			if tc.more != nil {
				tc.more(t, r)
			}
		})
	}
}

// fileCases are the cases of files and folders.
func fileCases() []hostileCase {
	return []hostileCase{
		// A sparse file that really is 214 GB and claims 4 294 967 295
		// triangles, count and size agreeing, once ended the process with
		// "fatal error: runtime: out of memory" and exit code 2. It must
		// fail at once, saying what it needs and what the budget is.
		{
			name: "sparse 214 GB binary",
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := filepath.Join(dir, "big.stl")
				writeSparseBinary(t, p, claimAll, 84+50*claimAll)
				return []string{p}, []want{fails(p, "needs ", " GB", "4 294 967 295 triangles", "2048 MB", "--cache-mb")}
			},
			more: func(t *testing.T, r run) {
				if len(r.files) == 1 && r.files[0].Bytes != 84+50*claimAll {
					t.Errorf("bytes %d, want the file's %d", r.files[0].Bytes, int64(84+50*claimAll))
				}
			},
		},
		// --info honours --cache-mb: a 100 MB binary file (sparse, two
		// million triangles) does not fit 64 MB.
		{
			name: "cache-mb honoured",
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := filepath.Join(dir, "two-million.stl")
				writeSparseBinary(t, p, 2_000_000, 84+50*2_000_000)
				return []string{"--cache-mb", "64", p}, []want{fails(p, "needs ", "2 000 000 triangles", "64 MB", "--cache-mb")}
			},
		},
		// A folder with links to / and to its parent, and one to itself: the
		// walk stays inside, counts the two links out on the folder's
		// line, and lists its one file once. The parent holds a file the
		// link up would reach (the sparse monster, so a walk out also
		// shows as a failure).
		{
			name:    "links out of a folder",
			folders: 1,
			input: func(t *testing.T, dir string) ([]string, []want) {
				parts := filepath.Join(dir, "parts")
				good := stltest.WriteFile(t, parts, "good.stl", binarySTL(12))
				writeSparseBinary(t, filepath.Join(dir, "bait.stl"), claimAll, 84+50*claimAll)
				symlink(t, "/", filepath.Join(parts, "root"))
				symlink(t, "..", filepath.Join(parts, "up"))
				symlink(t, ".", filepath.Join(parts, "loop"))
				return []string{parts}, []want{ok(good, 12)}
			},
			more: func(t *testing.T, r run) {
				if len(r.folders) == 1 && (r.folders[0].Skipped != 2 || !strings.HasSuffix(r.folders[0].Path, "parts")) {
					t.Errorf("folder line %+v, want parts with skipped 2 (root and up)", r.folders[0])
				}
				for _, f := range r.files {
					if !strings.Contains(f.Path, string(filepath.Separator)+"parts"+string(filepath.Separator)) {
						t.Errorf("listed %s, outside the folder given", f.Path)
					}
				}
			},
		},
		// A link inside the folder to a folder inside it is followed, and
		// the folder it leads to is walked once: its file is listed once
		// (through the link, which sorts first), and nothing is skipped.
		{
			name: "link inside a folder",
			input: func(t *testing.T, dir string) ([]string, []want) {
				parts := filepath.Join(dir, "parts")
				stltest.WriteFile(t, filepath.Join(dir, "elsewhere"), "other.stl", binarySTL(3))
				stltest.WriteFile(t, filepath.Join(parts, "sub"), "inner.stl", binarySTL(5))
				symlink(t, "sub", filepath.Join(parts, "alias"))
				return []string{parts}, []want{ok(filepath.Join(parts, "alias", "inner.stl"), 5)}
			},
		},
		// Chains of links: a short one is followed; one longer than the
		// system follows, and a cycle, fail as such; a dangling one fails
		// as missing. None of them hangs.
		{
			name: "symlink chains",
			input: func(t *testing.T, dir string) ([]string, []want) {
				good := stltest.WriteFile(t, dir, "good.stl", binarySTL(7))
				short := chain(t, dir, "short", 3, good)
				long := chain(t, dir, "long", 60, good)
				a, b := filepath.Join(dir, "cycle-a.stl"), filepath.Join(dir, "cycle-b.stl")
				symlink(t, b, a)
				symlink(t, a, b)
				dangling := filepath.Join(dir, "dangling.stl")
				symlink(t, filepath.Join(dir, "nowhere.stl"), dangling)
				return []string{short, long, a, dangling}, []want{
					ok(short, 7),
					fails(long, "too many levels of symbolic links"),
					fails(a, "too many levels of symbolic links"),
					fails(dangling, "no such file"),
				}
			},
		},
		// A 10 MB .stl.gz of zeros (10 GiB inflated) once took 7.7 GB and
		// 27 s. Its header claims no triangles, the rest is bytes after
		// the last record: an empty mesh or a refusal, at once either way.
		{
			name:  "10 MB gzip bomb",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := writeGzipFile(t, filepath.Join(dir, "bomb.stl.gz"), nil, make([]byte, 1<<20), nil, 10<<10)
				return []string{p}, []want{okOrFails(p, 0)}
			},
		},
		// A 2 MB bomb of zeros (2 GiB inflated) killed the window.
		{
			name:  "2 MB gzip bomb",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := writeGzipFile(t, filepath.Join(dir, "bomb.stl.gz"), nil, make([]byte, 1<<20), nil, 2<<10)
				return []string{p}, []want{okOrFails(p, 0)}
			},
		},
		// A 2 MB bomb that must be inflated: a header claiming 40 million
		// triangles, then their 2 GB of records. As a mesh it needs about
		// 1 GB, which the default budget allows (that costs 8 s and 1.2 GB
		// here, so the case is not run); a budget of 128 MB must stop it
		// at once, saying what it needs.
		{
			name:  "2 MB bomb of 40M triangles, --cache-mb 128",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := countBomb(t, filepath.Join(dir, "bomb.stl.gz"), 40_000_000)
				return []string{"--cache-mb", "128", p}, []want{fails(p, "needs ", "40 000 000 triangles", "128 MB", "--cache-mb")}
			},
		},
		// Two bombs in one folder load at once on two workers: their costs
		// must not add up past the limit, and the good file beside them
		// still loads.
		{
			name:  "two bombs in a folder",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				a := writeGzipFile(t, filepath.Join(dir, "a.stl.gz"), nil, make([]byte, 1<<20), nil, 10<<10)
				b := writeGzipFile(t, filepath.Join(dir, "b.stl.gz"), nil, make([]byte, 1<<20), nil, 2<<10)
				good := stltest.WriteFile(t, dir, "c.stl", binarySTL(9))
				return []string{"--workers", "2", dir}, []want{okOrFails(a, 0), okOrFails(b, 0), ok(good, 9)}
			},
		},
		// Two bombs of 3 million triangles each (72 MB as meshes) in one
		// folder, under a budget of 160 MB that holds one of them but not
		// both: the two workers share it, so each loads or fails for the
		// budget, and together they stay under the memory limit.
		{
			name:  "two bombs share one budget",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				a := countBomb(t, filepath.Join(dir, "a.stl.gz"), 3_000_000)
				b := countBomb(t, filepath.Join(dir, "b.stl.gz"), 3_000_000)
				return []string{"--workers", "2", "--cache-mb", "160", dir}, []want{
					okOrFails(a, 3_000_000, "160 MB", "--cache-mb"),
					okOrFails(b, 3_000_000, "160 MB", "--cache-mb"),
				}
			},
			more: func(t *testing.T, r run) {
				if len(r.files) == 2 && !r.files[0].OK && !r.files[1].OK {
					t.Errorf("both failed; the budget holds one of them")
				}
			},
		},
		// 20 million "solid" lines (120 MB) cost 3 GB: junk that yields no
		// faces must cost a constant.
		{
			name:  "20 million solid lines",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := filepath.Join(dir, "solids.stl")
				block := bytes.Repeat([]byte("solid\n"), 100_000)
				writeRepeated(t, p, block, 200)
				return []string{p}, []want{okOrFails(p, 0)}
			},
		},
		// A gzip of 240 MB of "solid" lines cost 6.4 GB.
		{
			name:  "gzip of 240 MB of solid lines",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				block := repeatBlock("solid\n", 1<<20)
				p := writeGzipFile(t, filepath.Join(dir, "solids.stl.gz"), nil, block, nil, 240<<20/len(block))
				return []string{p}, []want{okOrFails(p, 0)}
			},
		},
		// A 1 GB solid name cost 2.4 GB. The name is only a label: it is
		// cut short, and the facet after it loads. (Gzip streams the
		// gigabyte through the ASCII decoder as a file would, while the
		// disk holds one megabyte; a sparse file would hold NULs, which
		// make it binary, not a name.)
		{
			name:  "1 GB solid name",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				tail := "\n" + asciiFacets(1) + "endsolid\n"
				p := writeGzipFile(t, filepath.Join(dir, "name.stl.gz"), []byte("solid "), repeatBlock("a", 1<<20), []byte(tail), 1<<10)
				return []string{p}, []want{ok(p, 1)}
			},
		},
		// ASCII STL is tokens separated by any white space: facets whose
		// tokens are separated by spaces only (on one line, also longer
		// than the decoder's first look), by tabs, by the rarer vertical
		// tab and form feed, or by a line break each (LF, CR, CRLF) load in
		// full.
		{
			name: "ASCII without line breaks",
			input: func(t *testing.T, dir string) ([]string, []want) {
				var args []string
				var wants []want
				for _, tc := range []struct {
					name, sep string
					n         int
				}{
					{"spaces.stl", " ", 30},
					{"long-line.stl", " ", 2000},
					{"tabs.stl", "\t", 30},
					{"vt-ff.stl", "\v \f", 30},
					{"lf.stl", "\n", 30},
					{"cr.stl", "\r", 30},
					{"crlf.stl", "\r\n", 30},
				} {
					p := stltest.WriteFile(t, dir, tc.name, []byte(asciiTokens(tc.n, tc.sep)))
					args, wants = append(args, p), append(wants, ok(p, tc.n))
				}
				return args, wants
			},
		},
		// Gzip(1) reads a stream padded with NUL bytes (a file written to
		// tape) and concatenated members: so must stlview.
		{
			name: "gzip padding and members",
			input: func(t *testing.T, dir string) ([]string, []want) {
				bin := binarySTL(30)
				padded := stltest.WriteFile(t, dir, "padded.stl.gz", append(stltest.Gzip(t, bin), make([]byte, 10240)...))
				text := []byte(asciiSTL(30))
				paddedText := stltest.WriteFile(t, dir, "padded-ascii.stl.gz", append(stltest.Gzip(t, text), make([]byte, 512)...))
				members := stltest.WriteFile(t, dir, "members.stl.gz", append(stltest.Gzip(t, bin[:1000]), stltest.Gzip(t, bin[1000:])...))
				return []string{padded, paddedText, members}, []want{ok(padded, 30), ok(paddedText, 30), ok(members, 30)}
			},
		},
		// A gzip stream followed by 64 GB of NUL padding (sparse): the
		// padding must not be read for ever, or into memory.
		{
			name:  "gzip with 64 GB of padding",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := stltest.WriteFile(t, dir, "padded.stl.gz", stltest.Gzip(t, binarySTL(30)))
				if err := os.Truncate(p, 64<<30); err != nil {
					t.Fatal(err)
				}
				return []string{p}, []want{okOrFails(p, 30, "padding")}
			},
		},
		// The positive control: a genuine big file (two million faces of a
		// torus, 100 MB) loads in full, in time, within the memory limit.
		{
			name:  "genuine 2M-face binary",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				p := filepath.Join(dir, "torus.stl")
				n := genuineBinary(t, p, 2_000_000)
				return []string{p}, []want{ok(p, n)}
			},
		},
	}
}

// downloadCases are the cases of HTTP servers that misbehave.
func downloadCases() []hostileCase {
	const password = "Hunter2Secret"
	facets30 := []byte(asciiSTL(30))
	fiveFacets := len("solid hostile\n" + asciiFacets(5))
	var loopHits atomic.Int64 // requests to the redirect loop's server
	return []hostileCase{
		// An endless body reached 5 GB. One of zeros claims no triangles:
		// an empty mesh or a refusal, at once either way, and the download
		// stops.
		{
			name:  "endless body",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveEndless(nil, make([]byte, 1<<20))) + "/endless.stl"
				return []string{u}, []want{okOrFails(u, 0)}
			},
		},
		// An endless body of genuine facets grows a mesh: it must stop at
		// the memory budget (here 100 MB), within the limits.
		{
			name:  "endless facets",
			heavy: true,
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveEndless([]byte("solid endless\n"), []byte(asciiFacets(5000)))) + "/facets.stl"
				return []string{"--cache-mb", "100", u}, []want{fails(u, "100 MB", "--cache-mb")}
			},
		},
		// A body shorter than its Content-Length (5 of 30 facets) loaded as
		// ok with 5 triangles: lost data must be an error.
		{
			name: "short body",
			input: func(t *testing.T, dir string) ([]string, []want) {
				ascii := serve(t, serveShort(facets30, fiveFacets)) + "/short.stl"
				bin := binarySTL(30)
				binary := serve(t, serveShort(bin, 84+5*50)) + "/short-binary.stl"
				return []string{ascii, binary}, []want{fails(ascii, "truncated"), fails(binary, "truncated")}
			},
		},
		// A server that sends headers, then nothing: with --http-timeout 5s
		// the download fails after about 5 s.
		{
			name: "stalled server, 5 s",
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveStall) + "/stall.stl"
				return []string{"--http-timeout", "5s", u}, []want{fails(u, "too long")}
			},
			more: func(t *testing.T, r run) {
				if r.wall < 4*time.Second {
					t.Errorf("gave up after %v, want about the 5 s asked for", r.wall)
				}
			},
		},
		// The same at the default idle timeout, 30 s: within 45 s.
		{
			name:  "stalled server, default",
			limit: stallLimit,
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveStall) + "/stall.stl"
				return []string{u}, []want{fails(u, "too long")}
			},
			more: func(t *testing.T, r run) {
				if r.wall < 25*time.Second {
					t.Errorf("gave up after %v, want about the default 30 s", r.wall)
				}
			},
		},
		// A server that takes the request and never answers is bounded by
		// the same timeout.
		{
			name: "silent server",
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveSilent) + "/silent.stl"
				return []string{"--http-timeout", "2s", u}, []want{fails(u, "time")}
			},
		},
		// A slow download that never pauses for long loads, though it takes
		// longer than the idle timeout in all: the limit is on silence,
		// not on the whole.
		{
			name: "slow but steady",
			input: func(t *testing.T, dir string) ([]string, []want) {
				u := serve(t, serveTrickle(facets30, 8, 400*time.Millisecond)) + "/slow.stl"
				return []string{"--http-timeout", "1s", u}, []want{ok(u, 30)}
			},
		},
		// Redirects: a loop fails after at most 5, followed or not; a
		// chain of 5 is followed; 6 are too many; ftp: and file: targets
		// are refused.
		{
			name: "redirects",
			input: func(t *testing.T, dir string) ([]string, []want) {
				loop := serve(t, serveRedirects(facets30, &loopHits)) + "/loop"
				base := serve(t, serveRedirects(facets30, nil))
				return []string{"--workers", "1", loop, base + "/hop/5", base + "/hop/6",
						base + "/to?url=" + url.QueryEscape("ftp://127.0.0.1/x.stl"),
						base + "/to?url=" + url.QueryEscape("file:///etc/passwd")},
					[]want{
						fails(loop, "redirect"),
						ok(base+"/hop/5", 30),
						fails(base+"/hop/6", "redirect"),
						fails("", "ftp"),
						fails("", "file"),
					}
			},
			more: func(t *testing.T, r run) {
				// The request, then at most 5 redirects followed.
				if n := loopHits.Load(); n > 1+5 {
					t.Errorf("the loop's server saw %d requests, want at most 6: redirects beyond 5 were followed", n)
				}
			},
		},
		// A URL's password appears nowhere in the output, whether the
		// download works, fails at the server, is redirected, or cannot
		// connect; errors name the URL given, not a redirect's target.
		{
			name: "password in URL",
			input: func(t *testing.T, dir string) ([]string, []want) {
				base := serve(t, serveRedirects(facets30, nil))
				withPassword := func(raw string) string {
					u, err := url.Parse(raw)
					if err != nil {
						t.Fatal(err)
					}
					u.User = url.UserPassword("alice", password)
					return u.String()
				}
				good := withPassword(base + "/hop/0")
				missing := withPassword(base + "/missing.stl")
				redirected := withPassword(base + "/moved")
				refused := withPassword("http://127.0.0.1:1/x.stl")
				return []string{good, missing, redirected, refused}, []want{
					ok(redact(good), 30),
					fails(redact(missing), "404"),
					fails(redact(redirected), "404"),
					fails(redact(refused)),
				}
			},
			more: func(t *testing.T, r run) {
				if strings.Contains(r.stdout+r.stderr, password) {
					t.Errorf("the password is in the output:\n%s%s", r.stdout, r.stderr)
				}
				if strings.Contains(r.stdout, "secret-target") {
					t.Errorf("an error names the redirect's target, not the URL given:\n%s", r.stdout)
				}
			},
		},
	}
}

// redact returns raw with its password shown as url.URL.Redacted does.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// symlink makes link point at target.
func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// chain makes n links name-1.stl … name-n.stl in dir, each pointing at the
// next and the last at target, and returns the first.
func chain(t testing.TB, dir, name string, n int, target string) string {
	t.Helper()
	for i := n; i >= 1; i-- {
		link := filepath.Join(dir, name+"-"+strconv.Itoa(i)+".stl")
		symlink(t, target, link)
		target = link
	}
	return target
}
