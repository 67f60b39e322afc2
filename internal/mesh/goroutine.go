package mesh

import (
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// A GoroutinePanic is the value the decoder panics with on the goroutine
// that called it when one of the goroutines it started to help with a file
// panicked. A panic on a goroutine of its own cannot be recovered by anyone
// else and would end the process; re-raised on the caller's goroutine, a
// loader's recover catches it and fails only that file. Value is what the
// helper panicked with and Stack the helper's stack at the time.
type GoroutinePanic struct {
	Value any
	Stack []byte
}

func (p *GoroutinePanic) Error() string {
	return fmt.Sprintf("mesh: panic in a decoding goroutine: %v", p.Value)
}

// Unwrap returns Value when it is an error (a runtime.Error, say).
func (p *GoroutinePanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// goroutineHook, when set, is called at the start of every goroutine the
// package starts. Tests set it to make a helper panic.
var goroutineHook atomic.Pointer[func()]

// group runs helper goroutines and waits for them. A panic on any of them
// is recovered there, so that it cannot end the process, and raised again
// by Wait on the waiting goroutine, as a *GoroutinePanic (the first one if
// several panicked). Unlike errgroup, which leaves panics alone, a decoder
// must turn one bad file's panic into something its caller can recover.
type group struct {
	wg sync.WaitGroup
	mu sync.Mutex      // guards p
	p  *GoroutinePanic // the first panic recovered, or nil
}

// Go runs fn on a new goroutine.
func (g *group) Go(fn func()) { g.GoThen(fn, nil) }

// GoThen runs fn on a new goroutine, then, however fn ends (a panic
// included, even one before fn starts), done if it is not nil: a goroutine
// that others wait on through a channel closes it there.
func (g *group) GoThen(fn, done func()) {
	g.wg.Go(func() {
		defer g.recover()
		if done != nil {
			defer done()
		}
		if h := goroutineHook.Load(); h != nil {
			(*h)()
		}
		fn()
	})
}

func (g *group) recover() {
	v := recover()
	if v == nil {
		return
	}
	p, ok := v.(*GoroutinePanic) // raised again by a nested group: keep the first stack
	if !ok {
		p = &GoroutinePanic{Value: v, Stack: debug.Stack()}
	}
	g.mu.Lock()
	if g.p == nil {
		g.p = p
	}
	g.mu.Unlock()
}

// Wait waits for every goroutine started by Go and then panics with the
// first panic one of them recovered, if any.
func (g *group) Wait() {
	g.wg.Wait()
	if p := g.panicked(); p != nil {
		panic(p)
	}
}

// panicked returns the first panic recovered so far, or nil.
func (g *group) panicked() *GoroutinePanic {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.p
}

// parallel calls fn(0) ... fn(n-1), each on its own goroutine, and returns
// when all are done; a panic in any is raised again here (see group). With
// n = 1 it calls fn on the caller's goroutine: a caller on a thread of its
// own (a loader's low-priority worker) keeps the work there.
func parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	var g group
	for i := range n {
		g.Go(func() { fn(i) })
	}
	g.Wait()
}

// parallelRanges splits [0, n) into workers contiguous ranges, in order,
// and calls fn for each, in parallel; see parallel.
func parallelRanges(n, workers int, fn func(w, lo, hi int)) {
	parallel(workers, func(w int) { fn(w, w*n/workers, (w+1)*n/workers) })
}

// forEach calls fn(0) ... fn(n-1) on workers goroutines that each take the
// next unclaimed i (the items differ in size), and returns when all are
// done; see parallel.
func forEach(n, workers int, fn func(i int)) {
	var next atomic.Int64
	parallel(max(1, min(workers, n)), func(int) {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			fn(i)
		}
	})
}
