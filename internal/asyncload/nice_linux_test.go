//go:build linux

package asyncload

import (
	"context"
	"testing"

	"github.com/stlview/stlview/internal/stltest"

	"golang.org/x/sys/unix"

	"github.com/stlview/stlview/internal/mesh"
)

func TestLowPriority(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		low  bool
		want int // nice value of the thread that runs Process
	}{
		{false, 0},
		{true, 19},
	}
	for _, tt := range tests {
		niceness := make(chan int, 1)
		process := func(ctx context.Context, source string, m *mesh.Mesh) (*mesh.Mesh, error) {
			// The raw system call returns 20 - nice.
			prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
			if err != nil {
				return nil, err
			}
			niceness <- 20 - prio
			return m, nil
		}
		l := newLoader(t, Config{Workers: 2, LowPriority: tt.low, Process: process})
		if r := wait(t, queue(t, l, stltest.WriteTorus(t, dir, "a.stl", 4), Normal, QueueOptions{})); r.State != Completed {
			t.Fatalf("LowPriority %v: got %v (%v)", tt.low, r.State, r.Err)
		}
		base, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := max(tt.want, 20-base) // a test run under nice starts higher
		if got := <-niceness; got != want {
			t.Errorf("LowPriority %v: worker thread nice %d, want %d", tt.low, got, want)
		}
	}
}
