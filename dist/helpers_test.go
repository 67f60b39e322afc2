package dist

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// root is the repository's root, where the Makefile is.
var root = func() string {
	r, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	return r
}()

// scratch is a folder for what the tests share (the binary, an installed
// tree), removed by TestMain.
var scratch string

func TestMain(m *testing.M) {
	var err error
	scratch, err = os.MkdirTemp("", "stlview-dist-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(scratch)
	os.Exit(code)
}

// binary builds cmd/stlview once for all the tests and returns its path.
var binary = sync.OnceValues(func() (string, error) {
	out := filepath.Join(scratch, "build", "stlview")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/stlview")
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/stlview: %v\n%s", err, msg)
	}
	return out, nil
})

// stlviewBinary returns the binary built by binary, failing the test if
// it does not build.
func stlviewBinary(t *testing.T) string {
	t.Helper()
	b, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// makeTimeout bounds one run of make.
const makeTimeout = 2 * time.Minute

// makeCommand returns make in the repository with args, BIN set to the
// binary built by binary (so make builds nothing), and env added to the
// environment. The make that runs the tests (make test) passes its flags
// down in the environment; they, and DESTDIR and PREFIX, are left out.
func makeCommand(ctx context.Context, env []string, args ...string) (*exec.Cmd, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory", "BIN=" + bin}, args...)...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "DESTDIR", "PREFIX":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return cmd, nil
}

// runMake runs makeCommand's make and returns its output, failing the
// test if make fails and skipping it if there is no make.
func runMake(t *testing.T, env []string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed: cannot test the Makefile")
	}
	ctx, cancel := context.WithTimeout(context.Background(), makeTimeout)
	defer cancel()
	cmd, err := makeCommand(ctx, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// installed is a tree installed once by make install DESTDIR=...
// PREFIX=/usr, for the tests that only read it.
var installed = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(scratch, "installed")
	ctx, cancel := context.WithTimeout(context.Background(), makeTimeout)
	defer cancel()
	cmd, err := makeCommand(ctx, nil, "DESTDIR="+dir, "PREFIX=/usr", "install")
	if err != nil {
		return "", err
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("make install: %v\n%s", err, out)
	}
	return dir, nil
})

// installedTree returns the DESTDIR of the shared installed tree, failing
// the test if make install failed and skipping it if there is no make.
func installedTree(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed: cannot test the Makefile")
	}
	dir, err := installed()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// keyFile is a parsed freedesktop key file (desktop entries and
// thumbnailer entries): values by key by group.
type keyFile map[string]map[string]string

// readKeyFile parses the key file at path as the Desktop Entry
// Specification describes: comments, [groups], Key=Value with spaces
// around '=' allowed; a key outside a group, a line of any other form or a
// group or key given twice is an error.
func readKeyFile(path string) (keyFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	kf := keyFile{}
	var group string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			group = line[1 : len(line)-1]
			if _, dup := kf[group]; dup {
				return nil, fmt.Errorf("%s:%d: group [%s] again", path, n, group)
			}
			kf[group] = map[string]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: %q is neither a group, a comment nor Key=Value", path, n, line)
			}
			if group == "" {
				return nil, fmt.Errorf("%s:%d: key before the first group", path, n)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if _, dup := kf[group][k]; dup {
				return nil, fmt.Errorf("%s:%d: key %s again", path, n, k)
			}
			kf[group][k] = v
		}
	}
	return kf, sc.Err()
}

// list splits a key file's ';'-separated list value.
func list(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ';' })
}
