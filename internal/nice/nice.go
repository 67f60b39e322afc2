// Package nice runs background work on threads the operating system
// schedules after the render thread: stlview's loader workers and its
// background rasterizer. Without it, on a machine with as many busy
// workers as cores, the window's frames wait behind them (NOTES.md: 38-40
// FPS instead of 74-85 with two workers on two cores).
package nice

// Lower locks the calling goroutine to its OS thread and gives the thread
// the lowest scheduling priority (nice 19 on Linux), so the kernel runs
// other threads first whenever both are ready. Call it at the start of a
// goroutine that lives for the background work, and never unlock: when
// the goroutine returns, the Go runtime ends the locked thread instead of
// reusing it, so no other goroutine (the render loop above all) ever runs
// on a lowered thread. Threads the runtime starts later are not cloned
// from a locked thread (it asks its template thread, which LockOSThread
// starts before this thread is lowered), so they do not inherit it.
//
// A locked, lowered goroutine keeps its Go P (a GOMAXPROCS slot) while the
// kernel holds it back: callers that start several must raise GOMAXPROCS
// to leave the render goroutine a P of its own.
//
// Off Linux, Lower only locks the thread and returns nil: per-thread
// priorities need other APIs there.
func Lower() error { return lower() }
