package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stlview/stlview/internal/stltest"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
)

// fixedWidth is a measureFunc of a monospaced font, 7 pixels a character,
// so layouts can be checked to the pixel.
func fixedWidth(s string) int { return 7 * utf8.RuneCountInString(s) }

// texts returns the text of every opText in ops, in order.
func texts(ops []hudOp) []string {
	var ts []string
	for _, op := range ops {
		if op.Kind == opText {
			ts = append(ts, op.Text)
		}
	}
	return ts
}

// bars returns the opBar operations in ops, in order.
func bars(ops []hudOp) []hudOp {
	var bs []hudOp
	for _, op := range ops {
		if op.Kind == opBar {
			bs = append(bs, op)
		}
	}
	return bs
}

// extentOf returns the pixels op covers: its rectangle, or its text's box
// (one line high).
func extentOf(op hudOp, measure measureFunc) image.Rectangle {
	if op.Kind == opText {
		return image.Rect(op.At.X, op.At.Y, op.At.X+measure(op.Text), op.At.Y+lineHeight)
	}
	return op.Rect
}

// checkInside checks that every operation lies within the first one, a
// panel, and the panel within screen.
func checkInside(t *testing.T, ops []hudOp, screen image.Rectangle, measure measureFunc) {
	t.Helper()
	if len(ops) == 0 {
		return
	}
	panel := ops[0].Rect
	if ops[0].Kind != opFill || panel.Empty() {
		t.Fatalf("got %+v first, want the panel's fill", ops[0])
	}
	if !panel.In(screen) {
		t.Errorf("got the panel at %v, want it inside the screen %v", panel, screen)
	}
	for _, op := range ops[1:] {
		if r := extentOf(op, measure); !r.In(panel) {
			t.Errorf("%q (kind %d) covers %v, want it inside the panel %v", op.Text, op.Kind, r, panel)
		}
	}
}

func TestLayoutProgress(t *testing.T) {
	rows := func(n int, queued bool) []loadRow {
		rs := make([]loadRow, n)
		for i := range rs {
			rs[i] = loadRow{Name: fmt.Sprintf("part%02d.stl", i), Progress: float64(i%4) / 4, Queued: queued}
		}
		return rs
	}
	failures := func(n int) []loadRow {
		rs := make([]loadRow, n)
		for i := range rs {
			rs[i] = loadRow{Name: fmt.Sprintf("bad%d.stl", i), Err: "unexpected EOF"}
		}
		return rs
	}
	longName := strings.Repeat("a-very-long-name-", 10) + ".stl"
	tests := []struct {
		name  string
		m     progressModel
		texts []string  // nil: no panel at all
		bars  []float64 // the bars' fractions, the overall one first
	}{
		{name: "nothing known", m: progressModel{}},
		{name: "everything loaded", m: progressModel{Done: 7, Total: 7, Fraction: 1}},
		{
			name:  "one file loading",
			m:     progressModel{Done: 0, Total: 1, Fraction: 0.5, Loading: []loadRow{{Name: "gear.stl", Progress: 0.5}}},
			texts: []string{"Loading 0/1 files, 50%", "gear.stl", " 50%"},
			bars:  []float64{0.5, 0.5},
		},
		{
			name:  "a file loading and one queued",
			m:     progressModel{Done: 3, Total: 5, Fraction: 0.75, Loading: []loadRow{{Name: "a.stl", Progress: 0.25}, {Name: "b.stl", Queued: true}}},
			texts: []string{"Loading 3/5 files, 75%", "a.stl", " 25%", "b.stl", "queued"},
			bars:  []float64{0.75, 0.25, 0},
		},
		{
			name:  "folders being listed",
			m:     progressModel{Scanning: 2},
			texts: []string{"Loading 0/0 files, 0%, listing 2 folders"},
			bars:  []float64{0},
		},
		{
			name: "more files loading than rows",
			m:    progressModel{Done: 1, Total: 11, Fraction: 0.1, Loading: rows(10, false)},
			texts: []string{
				"Loading 1/11 files, 10%",
				"part00.stl", "  0%", "part01.stl", " 25%", "part02.stl", " 50%",
				"part03.stl", " 75%", "part04.stl", "  0%", "part05.stl", " 25%",
				"and 4 more",
			},
			bars: []float64{0.1, 0, 0.25, 0.5, 0.75, 0, 0.25},
		},
		{
			name:  "exactly as many files as rows",
			m:     progressModel{Total: maxLoadingRows, Loading: rows(maxLoadingRows, true)},
			texts: []string{"Loading 0/6 files, 0%", "part00.stl", "queued", "part01.stl", "queued", "part02.stl", "queued", "part03.stl", "queued", "part04.stl", "queued", "part05.stl", "queued"},
			bars:  []float64{0, 0, 0.25, 0.5, 0.75, 0, 0.25},
		},
		{
			name:  "failed files only",
			m:     progressModel{Done: 4, Total: 4, Fraction: 1, Failed: []loadRow{{Name: "broken.stl", Err: "mesh: unexpected EOF"}}},
			texts: []string{"1 failed:", "broken.stl: mesh: unexpected EOF"},
		},
		{
			name: "more failed files than rows",
			m:    progressModel{Done: 8, Total: 8, Fraction: 1, Failed: failures(8)},
			texts: []string{
				"8 failed:",
				"bad0.stl: unexpected EOF", "bad1.stl: unexpected EOF", "bad2.stl: unexpected EOF", "bad3.stl: unexpected EOF", "bad4.stl: unexpected EOF",
				"and 3 more",
			},
		},
		{
			name: "loading and failed",
			m:    progressModel{Done: 2, Total: 3, Fraction: 0.9, Loading: []loadRow{{Name: "c.stl", Progress: 0.7}}, Failed: failures(1)},
			texts: []string{
				"Loading 2/3 files, 90%", "c.stl", " 70%",
				"1 failed:", "bad0.stl: unexpected EOF",
			},
			bars: []float64{0.9, 0.7},
		},
		{
			name: "the most the panel holds",
			m:    progressModel{Done: 1, Total: 30, Fraction: 0.01, Loading: rows(20, false), Failed: failures(9), Scanning: 1},
			texts: []string{
				"Loading 1/30 files, 1%, listing 1 folder",
				"part00.stl", "  0%", "part01.stl", " 25%", "part02.stl", " 50%",
				"part03.stl", " 75%", "part04.stl", "  0%", "part05.stl", " 25%",
				"and 14 more",
				"9 failed:",
				"bad0.stl: unexpected EOF", "bad1.stl: unexpected EOF", "bad2.stl: unexpected EOF", "bad3.stl: unexpected EOF", "bad4.stl: unexpected EOF",
				"and 4 more",
			},
			bars: []float64{0.01, 0, 0.25, 0.5, 0.75, 0, 0.25},
		},
	}
	for _, screen := range []image.Rectangle{image.Rect(0, 0, 1024, 768), image.Rect(0, 0, 640, 480), image.Rect(100, 50, 740, 530)} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s in %v", tt.name, screen), func(t *testing.T) {
				ops := layoutProgress(tt.m, screen, fixedWidth)
				if tt.texts == nil {
					if ops != nil {
						t.Fatalf("got %d operations %q, want no panel", len(ops), texts(ops))
					}
					return
				}
				if got := texts(ops); !slices.Equal(got, tt.texts) {
					t.Errorf("got texts\n%q\nwant\n%q", got, tt.texts)
				}
				var fracs []float64
				for _, b := range bars(ops) {
					fracs = append(fracs, b.Frac)
				}
				if !slices.Equal(fracs, tt.bars) {
					t.Errorf("got bars at %v, want %v", fracs, tt.bars)
				}
				checkInside(t, ops, screen, fixedWidth)
				panel := ops[0].Rect
				if panel.Min.X != screen.Min.X+pad || panel.Max.Y != screen.Max.Y-pad {
					t.Errorf("got the panel at %v, want it in the bottom-left corner of %v", panel, screen)
				}
				if bs := bars(ops); len(bs) > 0 && bs[0].Rect.Dx() != panel.Dx()-2*pad {
					t.Errorf("got the overall bar %d wide, want the panel's inner width %d", bs[0].Rect.Dx(), panel.Dx()-2*pad)
				}
			})
		}
	}
	t.Run("long names are shortened", func(t *testing.T) {
		screen := image.Rect(0, 0, 640, 480)
		m := progressModel{Total: 2, Loading: []loadRow{{Name: longName, Progress: 0.5}}, Failed: []loadRow{{Name: longName, Err: "boom"}}}
		ops := layoutProgress(m, screen, fixedWidth)
		checkInside(t, ops, screen, fixedWidth)
		for _, s := range texts(ops) {
			if strings.HasPrefix(s, "a-very") && !strings.HasSuffix(s, "…") {
				t.Errorf("got %q, want it shortened with …", s)
			}
		}
	})
}

func TestLayoutPanel(t *testing.T) {
	lines := []string{"gear.stl", "1 024 triangles, 514 vertices", "size 5 × 5 × 1"}
	for _, tt := range []struct {
		name  string
		lines []string
		area  image.Rectangle
		want  []string
	}{
		{"no lines", nil, image.Rect(0, 24, 800, 600), nil},
		{"lines that fit", lines, image.Rect(0, 24, 800, 600), lines},
		{"an area away from the origin", lines, image.Rect(300, 200, 800, 600), lines},
		{"a narrow area", lines, image.Rect(0, 24, 150, 600), []string{"gear.stl", "1 024 triangles…", "size 5 × 5 × 1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ops := layoutPanel(tt.lines, tt.area, fixedWidth)
			if got := texts(ops); !slices.Equal(got, tt.want) {
				t.Fatalf("got texts %q, want %q", got, tt.want)
			}
			if tt.want == nil {
				return
			}
			checkInside(t, ops, tt.area, fixedWidth)
			if got, want := ops[0].Rect.Min, tt.area.Min.Add(image.Pt(pad, pad)); got != want {
				t.Errorf("got the panel at %v, want its corner at %v", got, want)
			}
			for i, op := range ops[1:] {
				want := dimColor
				if i == 0 {
					want = textColor
				}
				if op.Color != want {
					t.Errorf("line %d: got colour %v, want %v (the name bright, the rest dim)", i, op.Color, want)
				}
				if i > 0 && op.At.Y-ops[i].At.Y != lineHeight {
					t.Errorf("line %d: got %d pixels below the previous, want %d", i, op.At.Y-ops[i].At.Y, lineHeight)
				}
			}
		})
	}
}

func TestLayoutHelp(t *testing.T) {
	var want []string // the texts in order: a heading, or keys and what they do
	for _, l := range helpLines {
		want = append(want, l.Keys)
		if l.Does != "" {
			want = append(want, l.Does)
		}
	}
	for _, tt := range []struct {
		name    string
		screen  image.Rectangle
		measure measureFunc
	}{
		{"1024×768", image.Rect(0, 0, 1024, 768), fixedWidth},
		{"640×480", image.Rect(0, 0, 640, 480), fixedWidth},
		{"offset", image.Rect(200, 100, 840, 580), fixedWidth},
		{"640×480 in the HUD's font", image.Rect(0, 0, 640, 480), measure},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ops := layoutHelp(tt.screen, tt.measure)
			if got := texts(ops); !slices.Equal(got, want) {
				t.Errorf("got %q, want every help line: %q", got, want)
			}
			checkInside(t, ops, tt.screen, tt.measure)
			panel, mid := ops[0].Rect, tt.screen.Min.Add(tt.screen.Size().Div(2))
			if c := panel.Min.Add(panel.Size().Div(2)); max(c.X-mid.X, mid.X-c.X, c.Y-mid.Y, mid.Y-c.Y) > 1 {
				t.Errorf("got the panel centred at %v, want the screen's centre %v", c, mid)
			}
			// The lines come in one or two blocks side by side, each
			// starting at a heading. In each, headings start at the
			// block's left; the keys are indented and the descriptions
			// start in one column right of the widest keys.
			type column struct {
				left       int
				keys, does []int
			}
			var blocks []*column
			var cur *column
			i := 1
			for _, l := range helpLines {
				if l.Does == "" {
					if cur == nil || ops[i].At.X != cur.left {
						cur = &column{left: ops[i].At.X}
						blocks = append(blocks, cur)
					}
					if ops[i].Color != textColor {
						t.Errorf("heading %q in %v, want %v", l.Keys, ops[i].Color, textColor)
					}
					i++
					continue
				}
				keys, does := ops[i], ops[i+1]
				if does.At.Y != keys.At.Y || does.At.X < keys.At.X+tt.measure(keys.Text)+pad {
					t.Errorf("%q at %v runs into %q at %v", l.Keys, keys.At, l.Does, does.At)
				}
				cur.keys, cur.does = append(cur.keys, keys.At.X), append(cur.does, does.At.X)
				i += 2
			}
			if blocks[0].left != panel.Min.X+pad || len(blocks) > 2 {
				t.Errorf("%d blocks, the first at x %d; want one or two, from %d", len(blocks), blocks[0].left, panel.Min.X+pad)
			}
			for _, b := range blocks {
				for _, xs := range [][]int{b.keys, b.does} {
					if slices.Min(xs) != slices.Max(xs) {
						t.Errorf("got a column at x from %d to %d, want one x", slices.Min(xs), slices.Max(xs))
					}
				}
				if b.keys[0] <= b.left {
					t.Errorf("got the keys at x %d, want them indented past %d", b.keys[0], b.left)
				}
			}
		})
	}
	// Every binding Commands knows is in the help.
	help := strings.Join(want, "\n")
	for _, key := range []string{"F", "1 … 6", "0", "R", "W", "B", "X", "O", "P", "L", "Enter", "Esc", "←", "→", "S", "H or ?", "Q", "left drag", "right drag", "wheel", "click", "Home", "Page Up"} {
		found := false
		for _, l := range helpLines {
			for _, k := range strings.FieldsFunc(l.Keys, func(r rune) bool { return r == ',' || r == '/' }) {
				k = strings.TrimSpace(k)
				found = found || k == key || strings.HasPrefix(k, key+" ") || strings.HasSuffix(k, " "+key)
			}
		}
		if !found {
			t.Errorf("the help does not list %q among %s", key, help)
		}
	}
}

func TestLayoutWrapped(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    string
		r    image.Rectangle
		want []string
	}{
		{"empty", "", image.Rect(0, 0, 100, 100), nil},
		{"spaces only", "   ", image.Rect(0, 0, 100, 100), nil},
		{"one line", "short text", image.Rect(0, 0, 100, 100), []string{"short text"}},
		{"wrapped at words", "the quick brown fox jumps", image.Rect(0, 0, 70, 100), []string{"the quick", "brown fox", "jumps"}},
		{"spaces collapse", "a   b\n\tc", image.Rect(0, 0, 100, 100), []string{"a b c"}},
		{"a word wider than the box", "internal/mesh/binary.go:short", image.Rect(0, 0, 70, 100), []string{"internal/…"}},
		{"only the lines that fit", "one two three four five six", image.Rect(10, 10, 40, 10+2*lineHeight+5), []string{"one", "two"}},
		{"no room for a line", "one two", image.Rect(0, 0, 100, lineHeight-1), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ops := layoutWrapped(tt.s, tt.r, errorColor, fixedWidth)
			if got := texts(ops); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for i, op := range ops {
				if r := extentOf(op, fixedWidth); !r.In(tt.r) {
					t.Errorf("line %d %q covers %v, want it inside %v", i, op.Text, r, tt.r)
				}
				if op.Color != errorColor {
					t.Errorf("line %d: got colour %v, want %v", i, op.Color, errorColor)
				}
			}
		})
	}
}

func TestEllipsize(t *testing.T) {
	for _, tt := range []struct {
		s    string
		w    int
		want string
	}{
		{"gear.stl", 100, "gear.stl"},
		{"gear.stl", 56, "gear.stl"}, // exactly its width
		{"gear.stl", 55, "gear.s…"},
		{"gear.stl", 14, "g…"},
		{"gear.stl", 7, "…"},
		{"gear.stl", 0, "…"}, // nothing fits: the ellipsis alone
		{"", 0, ""},
		{"日本語のファイル.stl", 49, "日本語のファ…"}, // runes, not bytes
	} {
		t.Run(fmt.Sprintf("%s in %d", tt.s, tt.w), func(t *testing.T) {
			got := ellipsize(tt.s, tt.w, fixedWidth)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("got invalid UTF-8 %q", got)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1 000"},
		{12345, "12 345"},
		{123456, "123 456"},
		{1234567, "1 234 567"},
		{1000000000, "1 000 000 000"},
		{-5, "-5"},
		{-123, "-123"},
		{-1234, "-1 234"},
		{-123456, "-123 456"},
	} {
		if got := thousands(tt.n); got != tt.want {
			t.Errorf("thousands(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestBytesText(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{999, "999 B"},
		{1000, "1.0 kB"},
		{1536, "1.5 kB"},
		{999_949, "999.9 kB"},
		{999_999, "1.0 MB"}, // not "1000.0 kB"
		{1_000_000, "1.0 MB"},
		{84_000_084, "84.0 MB"},
		{999_999_999, "1.00 GB"},
		{2_500_000_000, "2.50 GB"},
	} {
		if got := bytesText(tt.n); got != tt.want {
			t.Errorf("bytesText(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

// decoded returns m as decoded from a binary STL file, and the file's size.
func decoded(t *testing.T, m *mesh.Mesh, opt mesh.BinaryOptions) (*mesh.Mesh, int64) {
	t.Helper()
	var buf bytes.Buffer
	if err := mesh.EncodeBinary(&buf, m, opt); err != nil {
		t.Fatal(err)
	}
	size := int64(buf.Len())
	d, err := mesh.Decode(&buf, size)
	if err != nil {
		t.Fatal(err)
	}
	return d.Indexed(), size
}

// loadedEntry returns an entry that loaded m from a file of size bytes,
// as Library.settle makes it.
func loadedEntry(name string, m *mesh.Mesh, size int64, took time.Duration) *Entry {
	e := &Entry{Name: name, Size: size, Duration: took, State: asyncload.Completed}
	r := asyncload.Result{State: asyncload.Completed, Mesh: m, Size: size, Duration: took, Kind: asyncload.KindFile}
	lib := &Library{byKey: map[string]*Entry{}}
	lib.settle(e, &r)
	return e
}

func TestInfoLines(t *testing.T) {
	torus, size := decoded(t, mesh.Torus(2, 0.5, 32, 16), mesh.BinaryOptions{})
	red := mesh.Color{R: 200, A: 255}
	painted, paintedSize := decoded(t, mesh.Torus(2, 0.5, 32, 16).Paint(red), mesh.BinaryOptions{Colors: mesh.VisCAM})
	loadErr := &asyncload.SourceError{Source: "/tmp/broken.stl", Err: errors.New("unexpected EOF at byte 84")}
	stale := loadedEntry("torus.stl", torus, size, time.Millisecond)
	stale.Stale = loadErr
	g := &Game{}
	mm := &Game{opt: Options{Units: "mm"}}
	for _, tt := range []struct {
		name string
		g    *Game
		e    *Entry
		want []string
	}{
		{
			name: "loaded",
			g:    g,
			e:    loadedEntry("torus.stl", torus, size, 12345678*time.Nanosecond),
			want: []string{"torus.stl", "1 024 triangles, 512 vertices", "size 5 × 5 × 1", "checking…", "51.3 kB binary, loaded in 12.3 ms"},
		},
		{
			name: "in millimetres",
			g:    mm,
			e:    loadedEntry("torus.stl", torus, size, 12345678*time.Nanosecond),
			want: []string{"torus.stl", "1 024 triangles, 512 vertices", "size 5 × 5 × 1 mm", "checking…", "51.3 kB binary, loaded in 12.3 ms"},
		},
		{
			name: "size unknown",
			g:    g,
			e:    loadedEntry("torus.stl", torus, -1, 2*time.Second),
			want: []string{"torus.stl", "1 024 triangles, 512 vertices", "size 5 × 5 × 1", "checking…", "binary, loaded in 2000.0 ms"},
		},
		{
			name: "face colours",
			g:    g,
			e:    loadedEntry("red.stl", painted, paintedSize, time.Millisecond),
			want: []string{"red.stl", "1 024 triangles, 512 vertices", "size 5 × 5 × 1", "checking…", "51.3 kB binary, loaded in 1.0 ms", "face colours from the file"},
		},
		{
			name: "no longer loads",
			g:    g,
			e:    stale,
			want: []string{"torus.stl", "1 024 triangles, 512 vertices", "size 5 × 5 × 1", "checking…", "51.3 kB binary, loaded in 1.0 ms", "changed on disk and no longer loads: unexpected EOF at byte 84"},
		},
		{
			name: "failed",
			g:    g,
			e:    &Entry{Name: "broken.stl", Fallback: true, Err: loadErr, State: asyncload.Failed, Version: 1},
			want: []string{"broken.stl", "failed: unexpected EOF at byte 84"},
		},
		{
			name: "queued",
			g:    g,
			e:    &Entry{Name: "later.stl", State: asyncload.Queued, Size: -1},
			want: []string{"later.stl", "queued"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.infoLines(tt.e); !slices.Equal(got, tt.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestExplainShort checks the error texts the HUD shows next to a file's
// name, on errors the loader really returns.
func TestExplainShort(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	lib := NewLibrary(newLoader(t, asyncload.Config{Workers: 1}), nil)
	add(t, lib, stltest.WriteFile(t, dir, "broken.stl", truncated), asyncload.Normal)
	add(t, lib, stltest.WriteFile(t, dir, "text.stl", []byte("solid x\nfacet normal 0 0 1\nouter loop\nvertex 1 2\n")), asyncload.Normal)
	add(t, lib, filepath.Join(dir, "missing.stl"), asyncload.Normal)
	stltest.WriteFile(t, dir, "empty/readme.txt", nil)
	add(t, lib, filepath.Join(dir, "empty"), asyncload.Normal)
	pollUntil(t, lib, "every load", settled(lib))
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"none", nil, ""},
		{"a binary file cut short", entry(t, lib, "broken.stl").Err, "byte 84: truncated: "},
		{"an ASCII syntax error", entry(t, lib, "text.stl").Err, "line 4: syntax error: "},
		{"a missing file", entry(t, lib, "missing.stl").Err, "no such file or folder"},
		{"a folder without STL files", entry(t, lib, "empty").Err, "holds no STL files"},
		{"anything else", errors.New("boom: bang"), "boom: bang"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := explainShort(tt.err)
			if !strings.HasPrefix(got, tt.want) || (tt.want == "" && got != "") {
				t.Errorf("explainShort(%v): got %q, want it to start %q", tt.err, got, tt.want)
			}
			if strings.Contains(got, dir) || strings.Contains(got, "asyncload") || strings.Contains(got, "stl: ") {
				t.Errorf("got %q, want it without the path or package prefixes: the label names the file", got)
			}
		})
	}
}
