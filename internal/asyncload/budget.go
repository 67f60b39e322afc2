package asyncload

import (
	"context"
	"sync"

	"github.com/stlview/stlview/internal/mesh"
)

// A Budget is the one memory budget, in bytes, that every load and the
// Store share (stlview's --cache-mb). Loads reserve what they are about to
// allocate through it (it is the mesh.Budget of their decoders); the
// Store keeps the meshes and what is derived from them within it, and
// gives memory back by evicting when a load needs room.
//
// A reservation that can never fit (more than the whole budget) fails at
// once. One that does not fit now evicts what the Store may drop; if that
// is not enough while other loads are under way, it waits for them to
// release or finish; when every load under way waits, or none is, it
// fails: waiting could then last forever. All methods are safe for
// concurrent use.
type Budget struct {
	limit  int64  // immutable
	source string // what sets the limit, for messages: "--cache-mb"; immutable

	// mu guards the fields below. It is never held while evicting: the
	// Store's lock is taken first, never after.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever used drops or a load ends
	used    int64
	loads   int                  // loads under way (between Begin and End)
	waiting int                  // of those, how many wait in Reserve
	evict   func(need int64) int // frees about need bytes; returns how many entries it dropped
}

// NewBudget returns a budget of limit bytes; source names what set it, for
// error messages (for example "--cache-mb"), and may be empty.
func NewBudget(limit int64, source string) *Budget {
	return &Budget{limit: limit, source: source, changed: make(chan struct{})}
}

var _ mesh.Budget = (*Budget)(nil)

// Limit returns the budget's size in bytes.
func (b *Budget) Limit() int64 { return b.limit }

// Used returns the bytes reserved now.
func (b *Budget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Reserve claims n bytes; see Budget for when it waits and when it fails.
// The error of a reservation that cannot fit is a *mesh.BudgetError.
func (b *Budget) Reserve(ctx context.Context, n int64) error {
	if n <= 0 {
		return nil
	}
	if n > b.limit {
		return &mesh.BudgetError{Need: n, Limit: b.limit, Source: b.source}
	}
	evicted := false
	for {
		b.mu.Lock()
		if b.used+n <= b.limit {
			b.used += n
			b.mu.Unlock()
			return nil
		}
		over := b.used + n - b.limit
		evict := b.evict
		if evict != nil && !evicted {
			b.mu.Unlock()
			evict(over) // releases through Release
			evicted = true
			continue
		}
		// Other loads under way may release: wait for them, unless all
		// of them wait too.
		if b.loads-b.waiting <= 1 {
			used := b.used
			b.mu.Unlock()
			return &mesh.BudgetError{Need: n, Limit: b.limit, InUse: used, Source: b.source}
		}
		b.waiting++
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return err
		}
		evicted = false // the Store may have something to give now
	}
}

// Release gives back n bytes reserved earlier.
func (b *Budget) Release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.signalLocked()
	b.mu.Unlock()
}

// force claims n bytes whatever the limit: for memory that already exists
// (a renderer's buffers), which the Store then evicts back under it.
func (b *Budget) force(n int64) {
	b.mu.Lock()
	b.used += n
	b.mu.Unlock()
}

// over returns how far the reservations exceed the limit, or 0.
func (b *Budget) over() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(0, b.used-b.limit)
}

// begin and end bracket a load under way, for Reserve's decision to wait.
func (b *Budget) begin() {
	b.mu.Lock()
	b.loads++
	b.mu.Unlock()
}

func (b *Budget) end() {
	b.mu.Lock()
	b.loads--
	b.signalLocked()
	b.mu.Unlock()
}

// signalLocked wakes the waiters. Callers hold mu.
func (b *Budget) signalLocked() {
	if b.waiting > 0 {
		close(b.changed)
		b.changed = make(chan struct{})
	}
}

// setEvict installs the Store's eviction.
func (b *Budget) setEvict(fn func(need int64) int) {
	b.mu.Lock()
	b.evict = fn
	b.mu.Unlock()
}
