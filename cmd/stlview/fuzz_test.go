package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzParseFlags: any command line is parsed or refused with a usage
// error (or the help); it never panics, and what it accepts is a config
// every mode can run with.
func FuzzParseFlags(f *testing.F) {
	for _, seed := range []string{
		"a.stl",
		"--size\x00640x480\x00a.stl",
		"--bench\x00--workers\x001,2,4\x00a.stl",
		"--section\x00x=12.5\x00--screenshot\x00o.png\x00a.stl",
		"--background\x000.1,0.2,0.3\x00--color\x00#ff8000\x00a.stl",
		"--thumbnail\x00256\x00in.stl\x00out.png",
		"--resolution\x00300,200\x00--up\x00-y\x00--view\x00top",
		"--azimuth\x00NaN",
		"-w\x00\x00--",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		cfg, err := parseFlags(args, io.Discard)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) && !errors.Is(err, errHelp) {
				t.Fatalf("%q: error %v (%T), want a usage error", args, err, err)
			}
			return
		}
		if cfg.size.X < 16 || cfg.size.Y < 16 || cfg.cacheMB <= 0 || cfg.loaderWorkers() < 1 {
			t.Fatalf("%q: accepted %+v", args, cfg)
		}
	})
}

// FuzzParseColor: any text is a colour or an error, never a panic, and a
// colour read back from its hex form is the same.
func FuzzParseColor(f *testing.F) {
	for _, s := range []string{"#102030", "white", "0.5,0.5,1", "000", "#gg0000", "1e309,0,0", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseColor(s)
		if err != nil {
			return
		}
		hex := "#" + strings.ToLower(strings.TrimPrefix(hexOf(c.R, c.G, c.B), "#"))
		if d, err := parseColor(hex); err != nil || d != c {
			t.Fatalf("%q gave %v; its hex %s gives %v, %v", s, c, hex, d, err)
		}
	})
}

func hexOf(r, g, b uint8) string {
	const digits = "0123456789abcdef"
	out := []byte{'#'}
	for _, v := range []uint8{r, g, b} {
		out = append(out, digits[v>>4], digits[v&15])
	}
	return string(out)
}
