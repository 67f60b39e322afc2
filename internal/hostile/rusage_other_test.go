//go:build !unix

package hostile

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
)

// launcherPackage is empty: no launcher is needed where memory is not
// measured.
const launcherPackage = ""

// runMeasured runs bin with args in dir, killing it when ctx is done, and
// returns how it ended; its peak memory is not known here (rssMB -1), so
// the memory limit is not checked.
func runMeasured(ctx context.Context, dir string, stdout, stderr io.Writer, bin string, args ...string) (outcome, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return outcome{code: -1, signalled: "killed after the time limit", rssMB: -1}, nil
	}
	var exitErr *exec.ExitError
	if cmd.ProcessState == nil || (err != nil && !errors.As(err, &exitErr)) {
		return outcome{}, err
	}
	return outcome{code: cmd.ProcessState.ExitCode(), rssMB: -1}, nil
}
