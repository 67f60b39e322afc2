package asyncload

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/stlview/stlview/internal/mesh"
)

// Config holds a Loader's settings. The zero Config is ready to use.
type Config struct {
	// Workers is the number of loads that run at once; 0 means
	// runtime.NumCPU(). Files are loaded in parallel, each decoded on one
	// goroutine, except that a load that starts with nothing queued behind
	// it also uses the idle workers' share: a lone large file decodes on
	// every core.
	Workers int

	// Indexed makes every mesh indexed, welded as it decodes
	// (mesh.Decoder.Indexed), so the render thread need not weld vertices.
	Indexed bool

	// Process, if set, runs on the worker after decoding (and indexing)
	// and returns the mesh to deliver, or an error that fails the load. Use
	// it for per-mesh work the render thread should not do. source is the
	// load's key: the cleaned absolute path, or the URL. Process must honour
	// ctx, which is cancelled when the load is, and may run on several
	// workers at once. A panic in Process fails that load only, as a panic
	// in the decoder does.
	Process func(ctx context.Context, source string, m *mesh.Mesh) (*mesh.Mesh, error)

	// Levels, if set, builds a mesh's levels of detail on the worker after
	// decoding (and Process): the load's stage is then StageSimplifying.
	// The levels go into the Store's entry with the mesh, their memory
	// counted; without a Store, Levels is not called. It must honour ctx
	// like Process. An error fails the load.
	Levels func(ctx context.Context, m *mesh.Mesh, workers int) ([]*mesh.Mesh, error)

	// Preview, if positive, is how many faces the rough preview of a big
	// binary STL file has: a local binary file of more than four times as
	// many faces is sampled (mesh.SampleBinary) before it decodes, and
	// the sample, its faces grown to cover the surface as the whole file
	// does, is Status.Preview until the load settles. 0: no previews.
	Preview int

	// Budget, if set, is the memory budget every decode reserves from
	// before it allocates (mesh.Decoder.Budget): a load that cannot fit
	// fails with mesh.ErrTooLarge instead of exhausting memory. With a
	// Store, its budget is used and Budget must be nil or the same. A
	// completed load keeps its reservation: the Store's entry holds it,
	// or, without a Store, the Result until Result.Release.
	Budget *Budget

	// Store, if set, receives every mesh the Loader loads: Result.Entry
	// is then its entry, which owns the mesh and its reservation.
	Store *Store

	// MaxSize caps a download and any decompressed or unknown-size input;
	// 0 means mesh.DefaultMaxSize. Local files of known size are not capped.
	MaxSize int64

	// HTTPTimeout is how long a download may go without receiving a byte
	// (waiting for the response's headers, or within its body) before it
	// fails; 0 means 30 seconds. A slow download that keeps coming is
	// never cut off. Connecting has its own limit (connectTimeout).
	HTTPTimeout time.Duration

	// Watch reloads local files when they change on disk. Every local file
	// whose load completed or failed is watched (through its folder, so
	// saves that replace the file are seen) until Unwatch or Close. Events
	// are debounced: the reload starts once the file has stopped changing
	// for Debounce, so a file a CAD program writes in pieces reloads once,
	// when it is complete; if the writer paused for longer and the reload
	// fails, the file stays watched and the next change reloads it again.
	// A reload's Result has Reloaded set.
	Watch bool
	// Debounce is the quiet time Watch waits for; 0 means 250 ms.
	Debounce time.Duration

	// LowPriority runs each worker on its own OS thread at the lowest
	// scheduling priority (nice 19), so the kernel runs the render thread
	// first whenever both are ready. It only has an effect on Linux.
	//
	// A locked worker keeps its Go P (a GOMAXPROCS slot) while the kernel
	// holds it back, so the caller must raise GOMAXPROCS before New to
	// leave the render goroutine a P of its own: NOTES.md measured
	// runtime.GOMAXPROCS(runtime.NumCPU() + Workers) as smooth (2 cores, 2
	// workers: GOMAXPROCS 4). With the default GOMAXPROCS the render
	// goroutine waits behind the workers and frames stutter.
	//
	// When a lone load decodes on more than one goroutine (see Workers),
	// the goroutines beyond the worker's own run on ordinary threads, at
	// normal priority.
	LowPriority bool
}

// QueueOptions are the per-load settings of Queue. The zero value asks for
// nothing special.
type QueueOptions struct {
	// Fallback makes a failed load deliver the Placeholder mesh, with
	// Result.Fallback set and Result.Err still saying why it failed.
	Fallback bool
}

// A Loader loads STL files, folders of them and URLs on a fixed set of
// worker goroutines while the caller's goroutine (a render loop) keeps
// going. Create one with New and stop it with Close.
//
// Every method is safe for concurrent use. Queue, QueueBatch, SetPriority,
// Cancel, Status, PollCompleted and Stats never wait for I/O or for a
// worker: they hold a mutex only for a few memory operations, and the
// workers never hold it during I/O. They are meant to be called every frame.
type Loader struct {
	cfg    Config       // with defaults filled in; immutable
	cwd    string       // relative paths are resolved against it; immutable
	client *http.Client // immutable
	watch  *watcher     // nil unless cfg.Watch; immutable

	// mu guards the fields below, the fields of every job marked as such,
	// and the state transitions of every Handle. Holding it while a job
	// changes state and its handles settle is what makes Cancel, SetPriority
	// and a worker finishing the same job safe against one another.
	mu     sync.Mutex
	work   sync.Cond       // on mu; signalled when a job is queued or the loader closes
	queue  jobQueue        // jobs waiting for a worker
	active map[string]*job // by key: every queued job, and every loading job that a handle still wants
	seq    uint64          // sequence number of the last job queued
	closed bool
	stats  counters

	results resultQueue    // has its own lock, always taken after mu
	workers sync.WaitGroup // the worker goroutines
}

// New starts a Loader with cfg's workers. It fails only when the file
// watcher cannot be created, the working directory cannot be read, or a
// worker cannot lower its priority.
func New(cfg Config) (*Loader, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = mesh.DefaultMaxSize
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = 30 * time.Second
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = 250 * time.Millisecond
	}
	if cfg.Store != nil {
		if cfg.Budget != nil && cfg.Budget != cfg.Store.budget {
			return nil, fmt.Errorf("asyncload: %w: Config.Budget is not the Store's", ErrInvalid)
		}
		cfg.Budget = cfg.Store.budget
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("asyncload: %w", err)
	}
	l := &Loader{
		cfg:    cfg,
		cwd:    cwd,
		active: make(map[string]*job),
		// A transport of our own, so Close can drop its idle connections
		// (and their goroutines) without touching http.DefaultTransport.
		client: newHTTPClient(cfg.HTTPTimeout),
	}
	l.work.L = &l.mu
	if cfg.Watch {
		if l.watch, err = newWatcher(l); err != nil {
			return nil, err
		}
	}
	ready := make(chan error, cfg.Workers)
	for range cfg.Workers {
		l.workers.Go(func() { l.worker(ready) })
	}
	for range cfg.Workers {
		if err = <-ready; err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

// Close cancels every queued and in-flight load (their handles settle as
// Cancelled), waits for the workers to return, and stops the file watcher
// and idle HTTP connections, so no goroutine of the loader remains. Results
// already settled can still be taken with PollCompleted. Queue fails with
// ErrClosed afterwards. Close returns the watcher's close error, if any;
// calling it again does nothing and returns nil. It never waits longer
// than a few seconds: a worker blocked in a read that does not return is
// left behind, and Close says so in its error.
func (l *Loader) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	for _, j := range l.active {
		for len(j.handles) > 0 {
			l.cancelLocked(j.handles[0]) // may delete j from l.active, which range allows
		}
	}
	l.work.Broadcast() // wake idle workers so they see closed
	l.mu.Unlock()

	// Cancelled loads stop within moments: opens do not block and
	// downloads watch their context. A worker stuck in a read that never
	// returns (a hung network file system) is left behind rather than
	// keep the program from exiting.
	stopped := make(chan struct{})
	go func() {
		l.workers.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(closeWait):
		return fmt.Errorf("asyncload: Close: a worker is still blocked in I/O after %v; it is left behind", closeWait)
	}
	var err error
	if l.watch != nil {
		err = l.watch.close()
	}
	l.client.CloseIdleConnections()
	return err
}

// closeWait is how long Close waits for the workers to stop.
const closeWait = 3 * time.Second

// Queue asks for source to be loaded at priority p and returns its handle
// at once: it does no I/O. source is a path to an STL file (plain or
// gzip-compressed), a path to a folder (its STL files are then queued, see
// Result.Children), or an http:// or https:// URL. Relative paths are
// resolved against the working directory of the time New was called.
//
// If the same file or URL is already queued or loading, the new handle
// shares that load. Once a load has finished, queueing the source again
// loads it again.
//
// Queue fails only with ErrInvalid (an empty or malformed source, a bad
// priority) or ErrClosed.
func (l *Loader) Queue(source string, p Priority, opts QueueOptions) (*Handle, error) {
	key, isURL, err := l.resolve(source, p)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	return l.enqueueLocked(source, key, isURL, p, opts, false), nil
}

// QueueBatch queues every source at priority p, as Queue does, and returns
// one handle per source in the same order. A source that Queue would
// reject gets a handle that has already failed with that error (its Result
// is in PollCompleted like any other). The caller owns the returned slice.
func (l *Loader) QueueBatch(sources []string, p Priority) []*Handle {
	type resolved struct {
		key   string
		isURL bool
		err   error
	}
	rs := make([]resolved, len(sources))
	for i, s := range sources { // outside the lock: resolving allocates
		rs[i].key, rs[i].isURL, rs[i].err = l.resolve(s, p)
	}
	handles := make([]*Handle, len(sources))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, r := range rs {
		if r.err == nil && l.closed {
			r.err = ErrClosed
		}
		if r.err != nil {
			h := &Handle{source: sources[i], done: make(chan struct{}), priority: p, job: &job{key: r.key}}
			h.job.size.Store(-1)
			l.settleLocked(h, Result{State: Failed, Err: sourceError(sources[i], r.err), Size: -1, Kind: kindOf(r.isURL)})
			handles[i] = h
			continue
		}
		handles[i] = l.enqueueLocked(sources[i], r.key, r.isURL, p, QueueOptions{}, false)
	}
	return handles
}

// enqueueLocked adds a handle for the source with the given key, sharing
// the pending job for key if there is one. A reload does not share a job
// that is already loading, since that job may be reading the file as it
// was before the change. Callers hold l.mu and have checked l.closed.
func (l *Loader) enqueueLocked(source, key string, isURL bool, p Priority, opts QueueOptions, reload bool) *Handle {
	j := l.active[key]
	if j == nil || (reload && j.state == Loading) {
		l.seq++
		j = &job{key: key, isURL: isURL, seq: l.seq, state: Queued, priority: p, index: -1}
		j.size.Store(-1)
		l.active[key] = j // a loading job replaced here finishes for its own handles
		l.queue.push(j)
		l.work.Signal()
	}
	h := &Handle{source: source, opts: opts, job: j, done: make(chan struct{}), priority: p, reload: reload}
	h.state.Store(uint32(j.state))
	j.handles = append(j.handles, h)
	if p > j.priority {
		l.setJobPriorityLocked(j, p)
	}
	return h
}

// Do queues work to run on a worker at priority p, as a load would be:
// in the same queue, with a Handle to follow, cancel or reprioritise it.
// work gets a context cancelled with the handle and the number of
// goroutines it may use; its error fails the handle (Result.Err wraps it),
// and a panic in it fails the handle as a panic in a decoder does. name
// identifies the work: a Do of a name already queued or running shares
// that job, as loads of one file do. Use it for work derived from a loaded
// mesh (its analysis) that must not delay other loads of higher priority.
// It fails only with ErrInvalid (an empty name, a bad priority) or
// ErrClosed.
func (l *Loader) Do(name string, p Priority, work func(ctx context.Context, threads int) error) (*Handle, error) {
	if name == "" || !p.valid() {
		return nil, fmt.Errorf("asyncload: Do(%q): %w", name, ErrInvalid)
	}
	key := "do:" + name
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if j := l.active[key]; j == nil {
		l.seq++
		j = &job{key: key, work: work, seq: l.seq, state: Queued, priority: p, index: -1}
		j.size.Store(-1)
		l.active[key] = j
		l.queue.push(j)
		l.work.Signal()
	}
	return l.enqueueLocked(name, key, false, p, QueueOptions{}, false), nil
}

// setJobPriorityLocked sets j's priority and, if j is queued, moves it to
// its new place. Callers hold l.mu.
func (l *Loader) setJobPriorityLocked(j *job, p Priority) {
	j.priority = p
	if j.index >= 0 {
		l.queue.fix(j)
	}
}

// SetPriority changes the priority h asked for. A queued load moves at once
// to its new place (a load the user clicks can jump ahead of the others);
// a shared load takes the highest priority of the handles that still want
// it. It does nothing to a load that has finished, and affects a loading
// folder only through the priority its files are queued at. It fails only
// with ErrInvalid for a priority outside Low..Critical.
func (l *Loader) SetPriority(h *Handle, p Priority) error {
	if !p.valid() {
		return fmt.Errorf("asyncload: SetPriority(%s): %w: priority %d", h.source, ErrInvalid, p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if State(h.state.Load()).Final() {
		return nil
	}
	h.priority = p
	if top := h.job.topPriority(); top != h.job.priority {
		l.setJobPriorityLocked(h.job, top)
	}
	return nil
}

// Cancel settles h as Cancelled and reports whether it was still pending.
// A shared load goes on for the other handles that want it; otherwise a
// queued load leaves the queue and a loading one is stopped, within a chunk
// of reading or decoding (well under a millisecond of work), and its worker
// moves on.
func (l *Loader) Cancel(h *Handle) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if State(h.state.Load()).Final() {
		return false
	}
	l.cancelLocked(h)
	return true
}

// cancelLocked settles a pending h as Cancelled and drops its job if no
// other handle wants it. Callers hold l.mu.
func (l *Loader) cancelLocked(h *Handle) {
	j := h.job
	j.removeHandle(h)
	l.settleLocked(h, Result{State: Cancelled, Err: sourceError(h.source, ErrCancelled), Bytes: j.read.Load(), Size: j.size.Load(), Kind: j.kind()})
	if len(j.handles) > 0 {
		if top := j.topPriority(); top != j.priority {
			l.setJobPriorityLocked(j, top)
		}
		return
	}
	if l.active[j.key] == j {
		delete(l.active, j.key)
	}
	if j.index >= 0 {
		l.queue.remove(j)
	} else if j.cancel != nil {
		j.cancel() // the worker sees it at its next check and finishes j with no one to tell
	}
}

// settleLocked gives h its final Result: it fills in the handle's own
// fields, posts the Result for PollCompleted, publishes the state and
// closes Done, in that order, so whoever sees Done closed (or a final
// Status) finds the Result in both places. Callers hold l.mu, so each
// handle settles once.
func (l *Loader) settleLocked(h *Handle, r Result) {
	r.Handle, r.Source, r.Reloaded = h, h.source, h.reload
	h.result = r
	l.results.push(r)
	h.state.Store(uint32(r.State))
	close(h.done)
	l.stats.settled(r.State)
}

// Status returns h's state and progress. It never blocks: a few atomic
// loads, no lock, no allocation. Any goroutine may call it, every frame.
func (l *Loader) Status(h *Handle) Status { return h.status() }

// PollCompleted appends the Results settled since the last call to buf and
// returns the extended slice, like append; pass buf[:0] to reuse a slice
// from frame to frame. It never blocks on workers. When nothing has
// settled it returns buf unchanged after one atomic load, allocating
// nothing. Results come in the order their handles settled; each Result is
// returned once, to whichever caller polls first.
func (l *Loader) PollCompleted(buf []Result) []Result { return l.results.drain(buf) }
