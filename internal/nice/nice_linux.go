//go:build linux

package nice

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

func lower() error {
	runtime.LockOSThread()
	if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19); err != nil {
		return fmt.Errorf("lowering a background thread's priority: %w", err)
	}
	return nil
}
