//go:build linux

package asyncload

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// lowerThreadPriority locks the calling goroutine to its OS thread and sets
// that thread's nice value to 19, the lowest priority, so the kernel runs
// the render thread first whenever both are ready (NOTES.md: 74-85 FPS
// instead of 38-40 with two busy workers on two cores).
//
// The goroutine never unlocks: when it returns, the runtime ends the thread
// instead of reusing it, so no other goroutine (the render loop above all)
// ever runs on a niced thread. Threads the runtime starts later are not
// cloned from a locked thread (it asks its template thread, which
// LockOSThread starts before this thread is niced), so they do not inherit
// the nice value either.
func lowerThreadPriority() error {
	runtime.LockOSThread()
	if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19); err != nil {
		return fmt.Errorf("asyncload: lowering a worker thread's priority: %w", err)
	}
	return nil
}
