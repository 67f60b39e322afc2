//go:build unix

package hostile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
)

// Peak memory on Unix comes from the child's rusage, ru_maxrss. A child's
// figure starts, though, at the peak resident size of the process that
// started it: Linux records the high-water mark of the memory a process
// leaves when it execs, and the child of a vfork (as os/exec makes) leaves
// its parent's. The test binary is large (-race multiplies it), so it does
// not start stlview itself: testdata/launcher, a program of a few MB built
// by TestMain, starts it, waits for it and writes its exit and ru_maxrss
// to a pipe. The launcher and stlview share a process group, killed
// together on a timeout.

// launcherPackage is the launcher's package, built by TestMain.
const launcherPackage = "./internal/hostile/testdata/launcher"

// runMeasured runs bin with args in dir through the launcher, killing
// both when ctx is done, and returns how the child ended.
func runMeasured(ctx context.Context, dir string, stdout, stderr io.Writer, bin string, args ...string) (outcome, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return outcome{}, err
	}
	defer pr.Close()
	cmd := exec.CommandContext(ctx, launcherBin, append([]string{bin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.ExtraFiles = []*os.File{pw} // descriptor 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err = cmd.Start()
	pw.Close() // the launcher has its own copy
	if err != nil {
		return outcome{}, err
	}
	report, readErr := io.ReadAll(pr) // until the launcher is gone
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return outcome{code: -1, signalled: "killed after the time limit", rssMB: -1}, nil
	}
	var code int
	var maxrss int64
	if n, _ := fmt.Sscanf(string(report), "%d %d", &code, &maxrss); n != 2 {
		return outcome{}, errors.Join(fmt.Errorf("the launcher reported %q", report), readErr, waitErr)
	}
	o := outcome{code: code, rssMB: -1}
	if f := strings.SplitN(string(report), " ", 3); len(f) == 3 {
		o.signalled = f[2]
	}
	if maxrss >= 0 {
		kb := float64(maxrss)
		if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
			kb /= 1024 // bytes there
		}
		o.rssMB = kb / 1024
	}
	return o, nil
}
