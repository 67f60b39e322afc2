package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// jsonLines decodes out as one JSON object per line, each into a map so
// that the test sees the exact field names.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			t.Fatalf("empty line in output:\n%s", out)
		}
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if d.More() {
			t.Fatalf("line %q holds more than one JSON value", line)
		}
		recs = append(recs, m)
	}
	return recs
}

// infoLine is a line of --info --json, decoded.
type infoLine struct {
	Path       string  `json:"path"`
	OK         bool    `json:"ok"`
	Triangles  int     `json:"triangles"`
	Dropped    int     `json:"dropped"`
	Degenerate int     `json:"degenerate"`
	Error      string  `json:"error"`
	MS         float64 `json:"ms"`
	Format     string  `json:"format"`
	Compressed bool    `json:"compressed"`
	Bounds     *struct {
		Min, Max [3]float32
	} `json:"bounds"`
}

// infoJSON runs --info --json with args and decodes its lines, checking
// that each has the fields of the contract.
func infoJSON(t *testing.T, args ...string) (code int, lines []infoLine, stderr string) {
	t.Helper()
	code, out, stderr := runCmd(t, append([]string{"--info", "--json"}, args...)...)
	if out == "" {
		return code, nil, stderr
	}
	for _, m := range jsonLines(t, out) {
		for _, k := range []string{"path", "ok", "triangles", "dropped", "degenerate", "bounds", "ms"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %v has no %q", m, k)
			}
		}
		if _, ok := m["error"]; ok == m["ok"].(bool) {
			t.Errorf("line %v: want \"error\" exactly when not ok", m)
		}
		b, _ := json.Marshal(m)
		var l infoLine
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	return code, lines, stderr
}

// wantBounds returns the bounds that decoding data gives.
func wantBounds(t *testing.T, data []byte) mesh.Box {
	t.Helper()
	m, err := mesh.Decode(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return m.Bounds
}

func TestInfoJSON(t *testing.T) {
	dir := t.TempDir()
	bin, ascii := stltest.Encode(t, torus(), false), stltest.Encode(t, torus(), true)
	files := []string{
		stltest.WriteFile(t, dir, "torus.stl", bin),
		stltest.WriteFile(t, dir, "torus_ascii.stl", ascii),
		stltest.WriteFile(t, dir, "torus.stl.gz", stltest.Gzip(t, bin)),
	}
	code, lines, stderr := infoJSON(t, files...)
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if len(lines) != len(files) {
		t.Fatalf("got %d lines, want one per file (%d)", len(lines), len(files))
	}
	for i, l := range lines {
		if l.Path != files[i] {
			t.Errorf("line %d: got path %q, want %q (the order given)", i, l.Path, files[i])
		}
		if !l.OK || l.Triangles != torusFaces || l.Dropped != 0 || l.Degenerate != 0 || l.MS < 0 {
			t.Errorf("%s: got ok %v, %d triangles, %d dropped, %d degenerate, %v ms; want true, %d, 0, 0, ≥ 0",
				l.Path, l.OK, l.Triangles, l.Dropped, l.Degenerate, l.MS, torusFaces)
		}
		data := bin
		if i == 1 {
			data = ascii
		}
		want := wantBounds(t, data)
		if l.Bounds == nil || l.Bounds.Min != want.Min || l.Bounds.Max != want.Max {
			t.Errorf("%s: got bounds %+v, want %v..%v", l.Path, l.Bounds, want.Min, want.Max)
			continue
		}
		// And the torus is where it should be: x, y in ±12, z in ±2.
		for k, v := range []float32{12, 12, 2} {
			if math.Abs(float64(l.Bounds.Max[k]-v)) > 1e-3 || math.Abs(float64(l.Bounds.Min[k]+v)) > 1e-3 {
				t.Errorf("%s: bounds %v..%v, want ±%v on axis %d", l.Path, l.Bounds.Min, l.Bounds.Max, v, k)
			}
		}
	}
	if lines[0].Format != "binary" || lines[1].Format != "ascii" || !lines[2].Compressed || lines[0].Compressed {
		t.Errorf("got formats %q %q %q, compressed %v %v %v; want binary ascii binary, only the last compressed",
			lines[0].Format, lines[1].Format, lines[2].Format, lines[0].Compressed, lines[1].Compressed, lines[2].Compressed)
	}
}

// TestInfoDroppedDegenerate patches a binary cube: a NaN coordinate drops
// face 0 and three equal corners make face 1 degenerate.
func TestInfoDroppedDegenerate(t *testing.T) {
	data := stltest.Encode(t, mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{1, 2, 3}), false)
	vertex := func(f, v int) int { return 84 + 50*f + 12 + 12*v }
	binary.LittleEndian.PutUint32(data[vertex(0, 0):], math.Float32bits(float32(math.NaN())))
	copy(data[vertex(1, 1):vertex(1, 1)+12], data[vertex(1, 0):])
	copy(data[vertex(1, 2):vertex(1, 2)+12], data[vertex(1, 0):])
	path := stltest.WriteFile(t, t.TempDir(), "patched.stl", data)
	code, lines, _ := infoJSON(t, path)
	if code != exitOK || len(lines) != 1 {
		t.Fatalf("got exit %d and %d lines, want 0 and 1", code, len(lines))
	}
	if l := lines[0]; l.Triangles != 11 || l.Dropped != 1 || l.Degenerate != 1 {
		t.Errorf("got %d triangles, %d dropped, %d degenerate; want 11, 1, 1", l.Triangles, l.Dropped, l.Degenerate)
	}
}

func TestInfoBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	f := goodAndBroken(t, dir)
	missing := filepath.Join(dir, "missing.stl")
	noSTL := filepath.Join(dir, "nothing-here")
	stltest.WriteFile(t, noSTL, "readme.txt", []byte("no STL"))
	tests := []struct {
		path string
		want []string // in the error, beside the file's name
	}{
		{f["empty"], []string{"empty"}},
		{f["truncated"], []string{"truncated"}},
		{f["badvertex"], []string{"line 5", `"zz"`}},
		{missing, []string{"no such file"}},
		{noSTL, []string{"no STL"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			code, lines, stderr := infoJSON(t, tt.path)
			if code != exitFailed || len(lines) != 1 {
				t.Fatalf("got exit %d and %d lines, want %d and 1", code, len(lines), exitFailed)
			}
			l := lines[0]
			if l.OK || l.Triangles != 0 || l.Bounds != nil || l.Path != tt.path {
				t.Errorf("got %+v, want a failure of %s", l, tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(l.Error, w) {
					t.Errorf("got error %q, want one with %q", l.Error, w)
				}
			}
			// JSON keeps the failure in the record: standard error gets
			// only the summary.
			if stderr != "stlview: 1 of 1 source failed\n" {
				t.Errorf("json: got stderr %q, want only the summary", stderr)
			}
			// The text form says it on standard error, naming the file.
			code, out, errOut := runCmd(t, "--info", tt.path)
			if code != exitFailed || out != "" || strings.Count(errOut, "\n") != 1 ||
				!strings.HasPrefix(errOut, "stlview: "+tt.path+": ") || !strings.Contains(errOut, tt.want[0]) {
				t.Errorf("text: got exit %d, stdout %q, stderr %q; want %d, nothing, and one line \"stlview: %s: ...%s...\"", code, out, errOut, exitFailed, tt.path, tt.want[0])
			}
		})
	}

	// Good and broken files together: one line each, in order, exit 1.
	all := []string{f["binary"], f["empty"], f["ascii"], f["truncated"], f["badvertex"]}
	code, lines, _ := infoJSON(t, all...)
	if code != exitFailed {
		t.Errorf("mixed: got exit %d, want %d", code, exitFailed)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Path+" "+strconv.FormatBool(l.OK))
	}
	want := []string{f["binary"] + " true", f["empty"] + " false", f["ascii"] + " true", f["truncated"] + " false", f["badvertex"] + " false"}
	if !slices.Equal(got, want) {
		t.Errorf("mixed: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInfoFolder(t *testing.T) {
	dir := t.TempDir()
	bin := stltest.Encode(t, torus(), false)
	// Walk order and sorted order agree for these names.
	names := []string{"a.stl", "b/c.stl", "b/d/e.STL", "f.stl.gz", "g.Stl"}
	stltest.WriteFile(t, dir, "a.stl", bin)
	stltest.WriteFile(t, dir, "b/c.stl", stltest.Encode(t, torus(), true))
	stltest.WriteFile(t, dir, "b/d/e.STL", bin)
	stltest.WriteFile(t, dir, "b/notes.txt", []byte("not a part"))
	stltest.WriteFile(t, dir, "f.stl.gz", stltest.Gzip(t, bin))
	stltest.WriteFile(t, dir, "f.stl.bak", bin)
	stltest.WriteFile(t, dir, "g.Stl", bin)
	single := stltest.WriteFile(t, t.TempDir(), "single.stl", bin)

	code, lines, stderr := infoJSON(t, single, dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	want := []string{single}
	for _, n := range names {
		want = append(want, filepath.Join(dir, filepath.FromSlash(n)))
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Path)
		if !l.OK || l.Triangles != torusFaces {
			t.Errorf("%s: got ok %v, %d triangles; want true, %d", l.Path, l.OK, l.Triangles, torusFaces)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got files\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The text form: one line per file, in the same order.
	code, out, _ := runCmd(t, "--info", "--workers", "1", dir)
	textLines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != exitOK || len(textLines) != len(names) {
		t.Fatalf("text: got exit %d and %d lines, want 0 and %d:\n%s", code, len(textLines), len(names), out)
	}
	for i, line := range textLines {
		if !strings.HasPrefix(line, want[i+1]+": "+strconv.Itoa(torusFaces)+" triangles") {
			t.Errorf("text line %d: got %q, want it to start %q", i, line, want[i+1]+": 576 triangles")
		}
	}

	// A broken file in the folder fails the run but not its neighbours.
	stltest.WriteFile(t, dir, "b/broken.stl", nil)
	code, lines, _ = infoJSON(t, dir)
	if code != exitFailed || len(lines) != len(names)+1 {
		t.Fatalf("broken: got exit %d and %d lines, want %d and %d", code, len(lines), exitFailed, len(names)+1)
	}
	for _, l := range lines {
		if l.OK == (filepath.Base(l.Path) == "broken.stl") {
			t.Errorf("%s: got ok %v", l.Path, l.OK)
		}
	}
}

// corpusDir holds real STL files from other projects' test suites, beside
// the project root; it is not part of the repository.
const corpusDir = "../../../shared/corpus"

// TestInfoCorpus runs --info --json once over the whole shared corpus and
// checks every file against EXPECT.tsv.
func TestInfoCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "EXPECT.tsv"))
	if err != nil {
		t.Skipf("shared corpus not available (%v): skipping the real-world files", err)
	}
	defer f.Close()
	expect := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Scan() // column names
	for sc.Scan() {
		if cols := strings.Split(sc.Text(), "\t"); len(cols) >= 2 {
			expect[cols[0]] = cols[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}

	code, lines, _ := infoJSON(t, "--workers", "2", root)
	if code != exitFailed {
		t.Errorf("got exit %d, want %d: the corpus holds broken files", code, exitFailed)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		rel, err := filepath.Rel(root, l.Path)
		if err != nil {
			t.Errorf("%s is not under %s", l.Path, root)
			continue
		}
		rel = filepath.ToSlash(rel)
		want, ok := expect[rel]
		switch {
		case !ok:
			t.Errorf("%s: not in EXPECT.tsv", rel)
		case seen[rel]:
			t.Errorf("%s: reported twice", rel)
		case want == "error":
			if l.OK || l.Error == "" {
				t.Errorf("%s: got ok %v, error %q; want a failure that says why", rel, l.OK, l.Error)
			}
		default:
			n, err := strconv.Atoi(strings.TrimPrefix(want, "tris="))
			if err != nil {
				t.Fatalf("bad EXPECT entry %q", want)
			}
			if !l.OK || l.Triangles != n {
				t.Errorf("%s: got ok %v, %d triangles (%s); want %d", rel, l.OK, l.Triangles, l.Error, n)
			}
		}
		seen[rel] = true
	}
	for rel := range expect {
		if !seen[rel] {
			t.Errorf("%s: in EXPECT.tsv, not reported", rel)
		}
	}
	if len(expect) < 100 {
		t.Errorf("EXPECT.tsv lists %d files, want the whole corpus", len(expect))
	}
}
