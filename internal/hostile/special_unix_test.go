//go:build unix

package hostile

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stlview/stlview/internal/stltest"
)

// specialCases are the cases of files that are not regular: FIFOs,
// devices and sockets. Opening a FIFO with no writer blocks for ever, and
// a device may never end: stlview must refuse them at once.
func specialCases() []hostileCase {
	return []hostileCase{
		// A FIFO named x.stl blocked --info for ever. With one worker, the
		// good file after it would wait behind it: it must fail at once,
		// and the good file load as if it were alone.
		{
			name: "FIFO then a good file",
			input: func(t *testing.T, dir string) ([]string, []want) {
				fifo := mkfifo(t, dir, "x.stl")
				good := stltest.WriteFile(t, dir, "good.stl", binarySTL(20))
				return []string{"--workers", "1", fifo, good}, []want{fails(fifo, "not a regular file"), ok(good, 20)}
			},
			more: func(t *testing.T, r run) {
				if len(r.files) != 2 {
					return
				}
				if ms := r.files[0].MS; ms > 500 {
					t.Errorf("the FIFO took %.0f ms to fail, want it at once", ms)
				}
				if ms := r.files[1].MS; ms > 1000 {
					t.Errorf("the good file took %.0f ms after the FIFO, want it as fast as alone", ms)
				}
			},
		},
		// In a folder, a FIFO is not a file to load, and does not hold up
		// the walk.
		{
			name: "FIFO in a folder",
			input: func(t *testing.T, dir string) ([]string, []want) {
				mkfifo(t, dir, "pipe.stl")
				good := stltest.WriteFile(t, dir, "good.stl", binarySTL(4))
				return []string{dir}, []want{ok(good, 4)}
			},
		},
		// Devices and sockets are refused as not regular files; /dev/zero
		// would never end.
		{
			name: "devices and a socket",
			input: func(t *testing.T, dir string) ([]string, []want) {
				sock := filepath.Join(dir, "sock.stl")
				l, err := net.Listen("unix", sock)
				if err != nil {
					t.Skipf("cannot make a socket: %v", err)
				}
				t.Cleanup(func() { l.Close() })
				args := []string{sock}
				wants := []want{fails(sock, "not a regular file")}
				for _, dev := range []string{"/dev/zero", "/dev/null", "/dev/urandom"} {
					if _, err := os.Stat(dev); err == nil {
						args, wants = append(args, dev), append(wants, fails(dev, "not a regular file"))
					}
				}
				return args, wants
			},
		},
	}
}

// mkfifo makes a FIFO named name in dir and returns its path.
func mkfifo(t testing.TB, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	return p
}
