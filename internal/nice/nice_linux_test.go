//go:build linux

package nice

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestLower(t *testing.T) {
	got := make(chan int, 1)
	errs := make(chan error, 1)
	go func() {
		if err := Lower(); err != nil {
			errs <- err
			return
		}
		// The raw system call returns 20 - nice.
		prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
		if err != nil {
			errs <- err
			return
		}
		got <- 20 - prio
	}()
	select {
	case err := <-errs:
		t.Fatal(err)
	case n := <-got:
		if n != 19 {
			t.Errorf("nice %d, want 19", n)
		}
	}
	// This thread is untouched.
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if prio != base {
		t.Errorf("the test's own thread has priority %d, the process %d", prio, base)
	}
}
