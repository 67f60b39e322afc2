package asyncload

import (
	"container/heap"
	"context"
	"slices"
	"sync/atomic"

	"github.com/stlview/stlview/internal/mesh"
)

// A job is one load of one source. Handles that ask for the same source
// while the job is pending share it, in the style of singleflight: the job
// runs once and every live handle gets a Result.
type job struct {
	key   string // cleaned absolute path or URL; immutable
	isURL bool   // immutable
	// work, for a job queued by Do, is what it runs instead of a load;
	// immutable.
	work func(ctx context.Context, threads int) error
	seq  uint64 // queue order, for first-in first-out among equals; immutable

	// The fields below are guarded by Loader.mu.

	state    State     // Queued or Loading while in the active map
	priority Priority  // the highest priority among handles
	index    int       // position in the jobQueue, or -1 when not queued
	handles  []*Handle // handles still waiting: not cancelled, not settled
	// cancel stops a Loading job's context; nil while Queued.
	cancel context.CancelFunc
	// threads is how many goroutines the job may decode and weld on, set
	// when a worker takes it: see Loader.next.
	threads int

	// read and size measure progress. The worker adds to read as bytes
	// arrive and stores size once known (-1 until then); Status reads both
	// without a lock. read only grows, and size is set once, so progress
	// only grows.
	read atomic.Int64
	size atomic.Int64

	// stage holds the Stage the worker is in; preview, a rough mesh of
	// the whole shape to show before the load completes, or nil. Both are
	// written by the worker and read by Status without a lock.
	stage   atomic.Uint32
	preview atomic.Pointer[mesh.Mesh]
}

// kind returns what j's source is known to be so far.
func (j *job) kind() SourceKind { return kindOf(j.isURL) }

// progress returns read/size clamped to [0, 1], or 0 while size is unknown.
func (j *job) progress() float64 {
	size := j.size.Load()
	if size <= 0 {
		return 0
	}
	return min(1, float64(j.read.Load())/float64(size))
}

// topPriority returns the highest priority among j's handles; a job with
// none keeps the priority it had. Callers hold Loader.mu.
func (j *job) topPriority() Priority {
	if len(j.handles) == 0 {
		return j.priority
	}
	p := Low
	for _, h := range j.handles {
		p = max(p, h.priority)
	}
	return p
}

// removeHandle drops h from j's handles. Callers hold Loader.mu.
func (j *job) removeHandle(h *Handle) {
	if i := slices.Index(j.handles, h); i >= 0 {
		j.handles = slices.Delete(j.handles, i, i+1)
	}
}

// jobQueue is a max-heap of queued jobs: highest priority first, then
// lowest sequence number (the oldest). It follows container/heap's
// PriorityQueue example: every job knows its index, so heap.Fix can move it
// when its priority changes and heap.Remove can take it out when it is
// cancelled, both in O(log n). It is not safe for concurrent use: Loader.mu
// guards it.
type jobQueue []*job

func (q jobQueue) Len() int { return len(q) }

func (q jobQueue) Less(a, b int) bool {
	if q[a].priority != q[b].priority {
		return q[a].priority > q[b].priority
	}
	return q[a].seq < q[b].seq
}

func (q jobQueue) Swap(a, b int) {
	q[a], q[b] = q[b], q[a]
	q[a].index = a
	q[b].index = b
}

func (q *jobQueue) Push(x any) {
	j := x.(*job)
	j.index = len(*q)
	*q = append(*q, j)
}

func (q *jobQueue) Pop() any {
	old := *q
	n := len(old)
	j := old[n-1]
	old[n-1] = nil // let the job be collected
	j.index = -1
	*q = old[:n-1]
	return j
}

// Typed wrappers, so callers need no type assertions.

func (q *jobQueue) push(j *job) { heap.Push(q, j) }
func (q *jobQueue) pop() *job   { return heap.Pop(q).(*job) }
func (q *jobQueue) fix(j *job)  { heap.Fix(q, j.index) }
func (q *jobQueue) remove(j *job) {
	heap.Remove(q, j.index)
}
