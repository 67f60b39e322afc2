//go:build !linux

package asyncload

// lowerThreadPriority does nothing off Linux: per-thread priorities need
// other APIs there, and Config.LowPriority is documented as Linux-only.
func lowerThreadPriority() error { return nil }
