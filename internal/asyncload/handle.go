package asyncload

import (
	"strconv"
	"sync/atomic"

	"github.com/stlview/stlview/internal/mesh"
)

// Priority orders queued loads: a free worker always takes the queued load
// of highest priority, and among equals the one queued first.
type Priority int8

// The four priorities, from least to most urgent. The zero Priority is Low.
const (
	Low Priority = iota
	Normal
	High
	Critical
)

// String returns "low", "normal", "high" or "critical".
func (p Priority) String() string {
	switch p {
	case Low:
		return "low"
	case Normal:
		return "normal"
	case High:
		return "high"
	case Critical:
		return "critical"
	}
	return "Priority(" + strconv.Itoa(int(p)) + ")"
}

func (p Priority) valid() bool { return p >= Low && p <= Critical }

// State is where a load stands. Queued and Loading are pending states;
// Completed, Failed and Cancelled are final: a handle that reaches one never
// leaves it.
type State uint32

const (
	// Queued means the load waits for a free worker.
	Queued State = iota
	// Loading means a worker is reading or decoding the source.
	Loading
	// Completed means the mesh is ready (for a folder: its files are queued).
	Completed
	// Failed means the load ended with an error.
	Failed
	// Cancelled means Cancel or Close stopped the load.
	Cancelled
)

// String returns "queued", "loading", "completed", "failed" or "cancelled".
func (s State) String() string {
	switch s {
	case Queued:
		return "queued"
	case Loading:
		return "loading"
	case Completed:
		return "completed"
	case Failed:
		return "failed"
	case Cancelled:
		return "cancelled"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Final reports whether s is Completed, Failed or Cancelled.
func (s State) Final() bool { return s >= Completed }

// Stage is what a loading worker is doing.
type Stage uint32

const (
	StageNone        Stage = iota // not on a worker: queued, or settled
	StageReading                  // reading and decoding the input
	StageWelding                  // joining the faces' shared corners
	StageSimplifying              // building the levels of detail
)

// String returns "", "reading", "welding" or "simplifying".
func (s Stage) String() string {
	switch s {
	case StageReading:
		return "reading"
	case StageWelding:
		return "welding"
	case StageSimplifying:
		return "simplifying"
	}
	return ""
}

// Status is a snapshot of one load, cheap enough to take every frame.
type Status struct {
	State State
	// Stage is what the worker does, while Loading.
	Stage Stage
	// Preview is a rough mesh of the whole shape, made before the load
	// completes (a sample of a big binary file's faces), or nil. It is
	// read-only and is not in the Store.
	Preview *mesh.Mesh
	// Progress is the fraction of the source's bytes read so far, from 0 to
	// 1, and never decreases. It stays 0 while the size is unknown (before a
	// worker opens the file, or for a download without Content-Length), and
	// is 1 in every final state, whatever the outcome: State says which.
	Progress float64
	// Size is the source's size in bytes once a worker has learned it (the
	// file's size, a download's Content-Length), else -1: callers weigh
	// progress by it.
	Size int64
}

// A Handle stands for one call of Queue (or one source of QueueBatch). Any
// goroutine may use it; all its methods are safe for concurrent use and
// never block, except for receiving from Done.
//
// Several handles may share one load when their sources name the same file
// or URL; each handle still gets its own Result.
type Handle struct {
	source string        // as the caller gave it; immutable
	opts   QueueOptions  // immutable
	job    *job          // the load this handle waits on; immutable
	reload bool          // queued by the watcher; immutable
	done   chan struct{} // closed once, when the handle settles

	// state holds a State. It is written only under Loader.mu, so state
	// changes are ordered with the queue's, and read with atomic loads by
	// Status, which must not wait for the lock.
	state atomic.Uint32

	// priority is what this handle asked for; guarded by Loader.mu.
	priority Priority
	// result is written under Loader.mu before done is closed and never
	// again, so a goroutine that has received from done may read it.
	result Result
}

// Source returns the source as it was given to Queue.
func (h *Handle) Source() string { return h.source }

// Key returns the source's key: its cleaned absolute path, or the URL. The
// Store's entries are found by it, and two sources with the same key share
// their loads.
func (h *Handle) Key() string { return h.job.key }

// Done returns a channel that is closed when the handle reaches a final
// state. The Result is then available from Result.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Result returns the handle's result and true once Done is closed, or a
// zero Result and false while the load is pending. The mesh in it is shared
// with every other handle of the same load and with PollCompleted: treat it
// as read-only.
func (h *Handle) Result() (Result, bool) {
	select {
	case <-h.done:
		return h.result, true
	default:
		return Result{}, false
	}
}

// status returns h's state and progress without locking. Progress is
// monotonic because the job's is (read only grows, size is set once) and a
// settled handle reports 1, at least anything it reported before.
func (h *Handle) status() Status {
	size := h.job.size.Load()
	switch s := State(h.state.Load()); s {
	case Queued:
		return Status{State: s, Size: size}
	case Loading:
		return Status{State: s, Progress: h.job.progress(), Size: size, Stage: Stage(h.job.stage.Load()), Preview: h.job.preview.Load()}
	default:
		return Status{State: s, Progress: 1, Size: size}
	}
}
