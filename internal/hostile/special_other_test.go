//go:build !unix

package hostile

// specialCases: FIFOs, devices and sockets are cases of unix systems.
func specialCases() []hostileCase { return nil }
