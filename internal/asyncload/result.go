package asyncload

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/stlview/stlview/internal/mesh"
)

// Result is the outcome of one handle. Every handle gets exactly one
// Result, through PollCompleted and Handle.Result, whether it completed,
// failed or was cancelled.
type Result struct {
	Handle *Handle
	Source string     // as given to Queue
	Kind   SourceKind // what the source turned out to be: file, folder or URL
	State  State      // Completed, Failed or Cancelled

	// Mesh is the decoded mesh when State is Completed, or the Placeholder
	// when the load failed and the handle asked for a fallback. It is nil
	// for a folder and for other failures. Handles that shared the load
	// share the mesh: treat it as read-only.
	Mesh *mesh.Mesh
	// Entry is the Store's entry for Mesh when the Loader has a Store (it
	// owns the mesh, its levels and its reservation), else nil.
	Entry *Entry
	// Err is nil exactly when State is Completed. It is a *SourceError
	// that names the source and wraps the cause: a *mesh.ParseError,
	// ErrCancelled, ErrHTTPStatus, mesh.ErrTooLarge, ErrNoSTL,
	// ErrNotRegular, a *PanicError or an I/O error.
	Err error
	// Fallback reports that Mesh is the Placeholder standing in for a
	// failed load (Err says why).
	Fallback bool
	// Children lists, for a folder, one queued load per STL file found in
	// it, in the order of FindSTL. Their Results follow this one. A folder
	// that could not be read entirely fails, but the files that were found
	// are still queued and listed. Nil for a file or URL.
	Children []*Handle
	// Reloaded reports a load the watcher started because the file changed
	// on disk (see Config.Watch); Handle is then one nobody else holds.
	Reloaded bool

	Duration time.Duration // time on the worker: reading, decoding, processing
	Bytes    int64         // bytes read from the file or response (compressed if gzip)
	Size     int64         // the file's size, or the Content-Length; -1 if unknown
	ModTime  time.Time     // the file's modification time when opened; zero for URLs

	// Skipped counts, for a folder, the symbolic links its walk did not
	// follow because they lead outside it.
	Skipped int

	lease *lease // the mesh's reservation, without a Store
}

// Release gives the memory reservation of a completed load's mesh back to
// the Loader's Budget, once the caller is done with the mesh. It matters
// only for a Loader with a Budget and no Store (whose entries own their
// reservations); the Results of a shared load share one reservation,
// which the first Release returns. Release is idempotent and safe for
// concurrent use.
func (r *Result) Release() {
	if r.lease != nil {
		r.lease.release()
	}
}

// lease is a reservation held for a mesh outside a Store.
type lease struct {
	once   sync.Once
	budget *Budget
	bytes  int64
}

func (l *lease) release() { l.once.Do(func() { l.budget.Release(l.bytes) }) }

// SourceKind is what a source turned out to be.
type SourceKind uint8

const (
	KindFile   SourceKind = iota + 1 // a local file
	KindFolder                       // a local folder, whose files were queued
	KindURL                          // an http or https URL
)

// String returns "file", "folder" or "URL".
func (k SourceKind) String() string {
	switch k {
	case KindFile:
		return "file"
	case KindFolder:
		return "folder"
	case KindURL:
		return "URL"
	}
	return "unknown"
}

func kindOf(isURL bool) SourceKind {
	if isURL {
		return KindURL
	}
	return KindFile
}

// resultQueue holds settled Results until PollCompleted takes them. It is
// unbounded, so a worker never waits for a slow consumer: a worker appends
// under a short lock and moves on.
type resultQueue struct {
	// n mirrors len(items). It is written under mu but read without it, so
	// the render loop's common case, nothing finished, is one atomic load:
	// no lock, no allocation. A poll that reads 0 just as a result arrives
	// sees it on the next frame.
	n atomic.Int64

	mu    sync.Mutex // guards items
	items []Result
}

// push appends r.
func (q *resultQueue) push(r Result) {
	q.mu.Lock()
	q.items = append(q.items, r)
	q.n.Store(int64(len(q.items)))
	q.mu.Unlock()
}

// drain appends every queued Result to buf and empties the queue.
func (q *resultQueue) drain(buf []Result) []Result {
	if q.n.Load() == 0 {
		return buf
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	buf = append(buf, q.items...)
	if cap(q.items) > 1024 {
		q.items = nil // a burst (thousands cancelled) should not pin its memory
	} else {
		clear(q.items) // drop the meshes, so they can be collected once the caller is done
		q.items = q.items[:0]
	}
	q.n.Store(0)
	return buf
}
