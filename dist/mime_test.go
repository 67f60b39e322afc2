package dist

import (
	"bufio"
	"encoding/xml"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/stltest"
)

// mimeInfo is the part of a shared-mime-info package the tests read.
type mimeInfo struct {
	XMLName xml.Name `xml:"http://www.freedesktop.org/standards/shared-mime-info mime-info"`
	Types   []struct {
		Type     string  `xml:"type,attr"`
		Comment  string  `xml:"comment"`
		Aliases  []alias `xml:"alias"`
		SubClass []alias `xml:"sub-class-of"`
		Globs    []struct {
			Pattern       string `xml:"pattern,attr"`
			CaseSensitive string `xml:"case-sensitive,attr"`
		} `xml:"glob"`
		Magic []struct {
			Priority string `xml:"priority,attr"`
			Matches  []struct {
				Type   string `xml:"type,attr"`
				Value  string `xml:"value,attr"`
				Offset string `xml:"offset,attr"`
			} `xml:"match"`
		} `xml:"magic"`
	} `xml:"mime-type"`
}

type alias struct {
	Type string `xml:"type,attr"`
}

// TestMimeXML checks that the package is well-formed and says what the
// desktop relies on: model/stl with its aliases, the *.stl glob (globs are
// case-insensitive unless marked, so it matches *.STL too) and the solid
// magic; model/x.stl-gzip for *.stl.gz, a kind of gzip file.
func TestMimeXML(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "dist", "stlview.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var mi mimeInfo
	if err := xml.Unmarshal(data, &mi); err != nil {
		t.Fatalf("stlview.xml: %v", err)
	}
	byType := map[string]int{}
	for i, mt := range mi.Types {
		byType[mt.Type] = i
		if mt.Comment == "" {
			t.Errorf("%s: no comment (shared-mime-info wants one)", mt.Type)
		}
	}
	stl, ok := byType["model/stl"]
	if !ok {
		t.Fatal("no model/stl")
	}
	st := mi.Types[stl]
	var aliases []string
	for _, a := range st.Aliases {
		aliases = append(aliases, a.Type)
	}
	if want := []string{"model/x.stl-ascii", "model/x.stl-binary", "application/sla"}; !slices.Equal(aliases, want) {
		t.Errorf("model/stl aliases: got %q, want %q", aliases, want)
	}
	if len(st.Globs) != 1 || st.Globs[0].Pattern != "*.stl" || st.Globs[0].CaseSensitive != "" {
		t.Errorf("model/stl globs: got %+v, want one case-insensitive *.stl", st.Globs)
	}
	var solid bool
	for _, m := range st.Magic {
		if p, err := strconv.Atoi(m.Priority); err != nil || p < 1 || p > 100 {
			t.Errorf("model/stl magic priority %q, want 1 to 100", m.Priority)
		}
		for _, x := range m.Matches {
			solid = solid || (x.Type == "string" && x.Value == "solid" && x.Offset == "0")
		}
	}
	if !solid {
		t.Error("model/stl has no magic string solid at offset 0")
	}
	gz, ok := byType["model/x.stl-gzip"]
	if !ok {
		t.Fatal("no model/x.stl-gzip")
	}
	g := mi.Types[gz]
	if len(g.Globs) != 1 || g.Globs[0].Pattern != "*.stl.gz" {
		t.Errorf("model/x.stl-gzip globs: got %+v, want *.stl.gz", g.Globs)
	}
	if len(g.SubClass) != 1 || g.SubClass[0].Type != "application/gzip" {
		t.Errorf("model/x.stl-gzip: got sub-class-of %+v, want application/gzip", g.SubClass)
	}
	// Every type the desktop and thumbnailer entries name is declared,
	// as a type or as an alias.
	for _, name := range mimeTypes {
		_, declared := byType[name]
		if !declared && !slices.Contains(aliases, name) {
			t.Errorf("%s: named by the entries but not declared in stlview.xml", name)
		}
	}
}

// glob is one line of a MIME database's globs2 file.
type glob struct {
	weight        int
	mimeType      string
	pattern       string
	caseSensitive bool
}

// readGlobs2 reads the globs2 file of the MIME database in dir.
func readGlobs2(t *testing.T, dir string) []glob {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "globs2"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var globs []glob
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// weight:type:pattern[:flags[:...]]
		parts := strings.Split(line, ":")
		if len(parts) < 3 {
			t.Fatalf("globs2: bad line %q", line)
		}
		w, err := strconv.Atoi(parts[0])
		if err != nil {
			t.Fatalf("globs2: bad weight in %q", line)
		}
		g := glob{weight: w, mimeType: parts[1], pattern: parts[2]}
		if len(parts) > 3 {
			g.caseSensitive = slices.Contains(strings.Split(parts[3], ","), "cs")
		}
		globs = append(globs, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return globs
}

// typeByName returns the type globs give the file name, as the
// shared-mime-info specification says: case-sensitive globs compare as
// they are, the others with the name lower-cased; the highest weight
// wins, then the longest pattern. "" when none matches.
func typeByName(globs []glob, name string) string {
	best, bestWeight, bestLen := "", -1, -1
	for _, g := range globs {
		n := name
		if !g.caseSensitive {
			n = strings.ToLower(name)
		}
		if ok, _ := path.Match(g.pattern, n); !ok {
			continue
		}
		if g.weight > bestWeight || (g.weight == bestWeight && len(g.pattern) > bestLen) {
			best, bestWeight, bestLen = g.mimeType, g.weight, len(g.pattern)
		}
	}
	return best
}

// noFsync tells update-mime-database not to sync each of the database's
// thousand files to disk: a scratch database needs no durability, and on
// a slow disk syncing takes seconds.
const noFsync = "PKGSYSTEM_ENABLE_FSYNC=0"

// buildDatabase runs update-mime-database on the mime folder of an
// installed tree with the given other packages copied in beside
// stlview.xml, and returns the folder. It skips the test where
// update-mime-database is not installed.
func buildDatabase(t *testing.T, others ...string) string {
	t.Helper()
	tool, err := exec.LookPath("update-mime-database")
	if err != nil {
		t.Skip("update-mime-database is not installed (Debian package shared-mime-info; make test installs it)")
	}
	dir := filepath.Join(t.TempDir(), "mime")
	src := filepath.Join(installedTree(t), "usr", "share", "mime", "packages", "stlview.xml")
	for _, p := range append([]string{src}, others...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		stltest.WriteFile(t, dir, "packages/"+filepath.Base(p), data)
	}
	cmd := exec.Command(tool, dir)
	cmd.Env = append(os.Environ(), noFsync)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("update-mime-database %s: %v\n%s", dir, err, out)
	}
	return dir
}

// TestMimeDatabase builds a MIME database from the installed package
// alone, and one from it and the system's freedesktop.org.xml, where
// there is one: file names map to the STL types, gzip-compressed STL wins
// over plain gzip, and the solid magic is in the database.
func TestMimeDatabase(t *testing.T) {
	tests := []struct{ name, want string }{
		{"part.stl", "model/stl"},
		{"PART.STL", "model/stl"},
		{"Part.Stl", "model/stl"},
		{"part.stl.gz", "model/x.stl-gzip"},
		{"PART.STL.GZ", "model/x.stl-gzip"},
		{"part.stlx", ""},
		{"stl", ""},
	}
	t.Run("alone", func(t *testing.T) {
		dir := buildDatabase(t)
		globs := readGlobs2(t, dir)
		for _, tt := range tests {
			if got := typeByName(globs, tt.name); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}
		magic, err := os.ReadFile(filepath.Join(dir, "magic"))
		if err != nil {
			t.Fatal(err)
		}
		// A section [PRIORITY:TYPE], then >OFFSET=, a big-endian 16-bit
		// length and the value.
		if m := string(magic); !strings.Contains(m, ":model/stl]\n>0=\x00\x05solid\n") {
			t.Errorf("the magic file has no rule for solid at 0 for model/stl:\n%q", m)
		}
	})
	t.Run("with freedesktop.org.xml", func(t *testing.T) {
		system := "/usr/share/mime/packages/freedesktop.org.xml"
		if _, err := os.Stat(system); err != nil {
			t.Skipf("no %s here: %v", system, err)
		}
		globs := readGlobs2(t, buildDatabase(t, system))
		for _, tt := range append(tests[:5:5], struct{ name, want string }{"archive.gz", "application/gzip"}) {
			if got := typeByName(globs, tt.name); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}

// TestMimeGIO asks GLib, which GNOME Files and Nemo type files with, what
// the installed database makes of real files, by name and by content: a
// file named without .stl that starts with solid is model/stl by its
// magic.
func TestMimeGIO(t *testing.T) {
	gio, err := exec.LookPath("gio")
	if err != nil {
		t.Skip("gio is not installed (Debian package libglib2.0-bin): not asking GLib")
	}
	dir := buildDatabase(t)
	share := filepath.Dir(dir)
	files := t.TempDir()
	ascii := stltest.Encode(t, mesh.Sphere(1, 12, 6), true)
	binary := stltest.Encode(t, mesh.Sphere(1, 12, 6), false)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"part.stl", ascii, "model/stl"},
		{"PART.STL", binary, "model/stl"},
		{"part.stl.gz", stltest.Gzip(t, binary), "model/x.stl-gzip"},
		{"Part.STL.GZ", stltest.Gzip(t, ascii), "model/x.stl-gzip"},
		{"unnamed", ascii, "model/stl"},
	}
	for _, tt := range tests {
		p := stltest.WriteFile(t, files, tt.name, tt.data)
		cmd := exec.Command(gio, "info", "-a", "standard::content-type", p)
		cmd.Env = []string{"HOME=" + files, "XDG_DATA_HOME=" + share, "XDG_DATA_DIRS=" + share}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gio info %s: %v", tt.name, err)
		}
		_, got, _ := strings.Cut(string(out), "standard::content-type: ")
		if got = strings.TrimSpace(got); got != tt.want {
			t.Errorf("%s: GLib says %q, want %q", tt.name, got, tt.want)
		}
	}
}
