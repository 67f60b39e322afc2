//go:build unix

package hostile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLauncher checks the measuring itself: the exit code and the signal
// of the child come back, its peak memory is its own and not this
// process's, and a child past its time is killed with the launcher.
func TestLauncher(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	measure := func(t *testing.T, ctx context.Context, script string) (outcome, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		o, err := runMeasured(ctx, dir, &stdout, &stderr, "/bin/sh", "-c", script)
		if err != nil {
			t.Fatal(err)
		}
		return o, stdout.String()
	}

	t.Run("exit code", func(t *testing.T) {
		if o, _ := measure(t, context.Background(), "exit 3"); o.code != 3 || o.signalled != "" {
			t.Errorf("got %+v, want exit 3 and no signal", o)
		}
	})
	t.Run("signal", func(t *testing.T) {
		if o, _ := measure(t, context.Background(), "kill -9 $$"); o.signalled == "" || !strings.Contains(o.signalled, "killed") {
			t.Errorf("got %+v, want the signal that killed it", o)
		}
	})
	t.Run("own memory", func(t *testing.T) {
		// This process holds 128 MB more while the child, a shell, needs a
		// few.
		big := make([]byte, 128<<20)
		for i := 0; i < len(big); i += 4096 {
			big[i] = 1
		}
		o, _ := measure(t, context.Background(), "exit 0")
		runtime.KeepAlive(big)
		if o.rssMB < 0 {
			t.Skip("no rusage here")
		}
		if o.rssMB > 64 {
			t.Errorf("the shell's peak RSS is %.0f MB: it counts this process's 128 MB", o.rssMB)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		o, out := measure(t, ctx, "echo $$; exec sleep 60")
		if d := time.Since(start); d > 5*time.Second || o.signalled == "" {
			t.Fatalf("got %+v after %v, want it killed at once", o, d)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil {
			t.Fatalf("the child's pid: %q", out)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !gone(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("the child %d outlived its launcher", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// gone reports whether the process pid has ended: it does not exist, or
// it is a zombie that its new parent has yet to reap (Linux's /proc says).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	i := strings.LastIndex(string(stat), ") ")
	return i >= 0 && strings.HasPrefix(string(stat)[i+2:], "Z")
}
