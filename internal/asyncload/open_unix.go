//go:build unix

package asyncload

import (
	"os"
	"syscall"
)

// openFlags opens without blocking: a FIFO that took the place of a
// checked file between the check and the open would otherwise block the
// open until a writer came.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
