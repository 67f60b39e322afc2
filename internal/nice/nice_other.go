//go:build !linux

package nice

import "runtime"

func lower() error {
	runtime.LockOSThread()
	return nil
}
