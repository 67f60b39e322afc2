package asyncload

import (
	"context"
	"errors"
	"runtime/debug"
	"slices"
	"time"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/nice"
)

// outcome is what a worker learned from running one job.
type outcome struct {
	mesh     *mesh.Mesh
	levels   []*mesh.Mesh
	reserved int64 // bytes of the budget the mesh and levels hold
	err      error
	folder   bool     // the source was a directory
	files    []string // a folder's STL files, as absolute paths
	skipped  int      // links out of the folder not followed
	duration time.Duration
	size     int64 // the file's size or Content-Length; -1 if unknown
	modTime  time.Time
}

// worker runs jobs until the loader closes. It first reports on ready
// whether it could lower its priority (only asked for by LowPriority).
func (l *Loader) worker(ready chan<- error) {
	var err error
	if l.cfg.LowPriority {
		err = nice.Lower()
	}
	ready <- err
	if err != nil {
		return
	}
	for {
		j, ctx := l.next()
		if j == nil {
			return
		}
		out := l.run(ctx, j)
		if p, told := l.finish(j, out); told && l.watch != nil && !j.isURL && !out.folder && j.work == nil {
			l.watch.add(j.key, p, stamp{out.size, out.modTime}) // outside mu: this does I/O
		}
	}
}

// next waits for the highest-priority, oldest queued job, marks it
// Loading and returns it with the context that cancels it; it returns nil
// once the loader is closed. Waiting on the condition variable releases
// mu, and Signal is called with mu held whenever a job is queued, so a
// worker never sleeps while work is queued and never polls.
func (l *Loader) next() (*job, context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.queue) == 0 && !l.closed {
		l.work.Wait()
	}
	if l.closed {
		return nil, nil // Close has cancelled whatever was queued
	}
	j := l.queue.pop()
	ctx, cancel := context.WithCancel(context.Background())
	j.state, j.cancel = Loading, cancel
	for _, h := range j.handles {
		h.state.Store(uint32(Loading))
	}
	l.stats.started(time.Now())
	// Files are decoded in parallel, one goroutine each. A job that leaves
	// the queue empty may also use the share of the idle workers, so a
	// lone large file decodes on every core; jobs queued later still find
	// their worker free.
	j.threads = 1
	if len(l.queue) == 0 {
		j.threads = max(1, l.cfg.Workers-l.stats.loading+1)
	}
	return j, ctx
}

// run loads j's source. It never panics: a panic while decoding or
// processing, on this goroutine or on one the decoder or the simplifier
// starts (they re-raise them here), becomes the outcome's error, so one
// bad file cannot take the loader (or the viewer) down. Whatever it
// reserved from the budget is released unless the outcome holds a mesh,
// whose reservation is then out.reserved.
func (l *Loader) run(ctx context.Context, j *job) (out outcome) {
	start := time.Now()
	if b := l.cfg.Budget; b != nil {
		b.begin()
		defer b.end()
	}
	defer func() {
		if v := recover(); v != nil {
			out = outcome{err: &PanicError{Source: j.key, Value: v, Stack: debug.Stack()}, size: j.size.Load()}
		}
		if out.mesh == nil && out.reserved > 0 {
			l.cfg.Budget.Release(out.reserved)
			out.reserved = 0
		}
		out.duration = time.Since(start)
	}()
	switch {
	case j.work != nil:
		out.err = j.work(ctx, j.threads)
		out.size = -1
		return out
	case j.isURL:
		out = l.fetch(ctx, j)
	default:
		out = l.open(ctx, j)
	}
	if out.err != nil || out.mesh == nil {
		return out
	}
	if l.cfg.Budget != nil {
		out.reserved = out.mesh.SizeBytes() // the decoder's reservation
	}
	if l.cfg.Process != nil {
		out.mesh, out.err = l.cfg.Process(ctx, j.key, out.mesh)
		if out.mesh == nil && out.err == nil {
			out.err = errors.New("Config.Process returned no mesh and no error")
		}
		if out.err != nil {
			out.mesh = nil
			return out
		}
	}
	if l.cfg.Levels != nil && l.cfg.Store != nil {
		j.stage.Store(uint32(StageSimplifying))
		levels, err := l.cfg.Levels(ctx, out.mesh, j.threads)
		if err != nil {
			out.mesh, out.err = nil, err
			return out
		}
		var n int64
		for _, lv := range levels {
			n += lv.SizeBytes()
		}
		if l.cfg.Budget != nil {
			// They exist already: count them, and let the Store make
			// room by evicting if it must.
			l.cfg.Budget.force(n)
			out.reserved += n
		}
		out.levels = levels
	}
	return out
}

// finish settles every handle still waiting on j with the outcome and
// queues a folder's files. It returns j's final priority and whether anyone
// was told (false when every handle was cancelled while j ran).
func (l *Loader) finish(j *job, out outcome) (Priority, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	j.cancel() // release the context
	l.stats.stopped(time.Now())
	if l.active[j.key] == j {
		delete(l.active, j.key) // from now on, Queue starts a new load
	}
	if len(j.handles) == 0 {
		if out.reserved > 0 {
			l.cfg.Budget.Release(out.reserved) // no one will hold the mesh
		}
		return j.priority, false
	}

	r := Result{Duration: out.duration, Bytes: j.read.Load(), Size: out.size, ModTime: out.modTime, Kind: j.kind(), Skipped: out.skipped}
	if out.folder {
		r.Kind = KindFolder
	}
	if out.err != nil {
		r.State, r.Err = Failed, out.err
	} else {
		r.State, r.Mesh = Completed, out.mesh
		switch {
		case l.cfg.Store != nil:
			r.Entry = &Entry{Key: j.key, Kind: r.Kind, Mesh: out.mesh, Levels: out.levels,
				stamp: stamp{out.size, out.modTime}, bytes: out.reserved}
			l.cfg.Store.put(r.Entry)
		case out.reserved > 0:
			r.lease = &lease{budget: l.cfg.Budget, bytes: out.reserved}
		}
	}
	j.stage.Store(uint32(StageNone))
	j.preview.Store(nil) // the mesh, or its failure, takes its place
	if out.folder && !l.closed {
		// Queued under the same lock that settles the folder, so the
		// folder's Result comes before any of its files' Results.
		fallback := slices.ContainsFunc(j.handles, func(h *Handle) bool { return h.opts.Fallback })
		r.Children = make([]*Handle, len(out.files))
		for i, f := range out.files {
			r.Children[i] = l.enqueueLocked(f, f, false, j.priority, QueueOptions{Fallback: fallback}, false)
		}
	}
	if !out.folder && j.work == nil {
		l.stats.loaded(r)
	}
	for i, h := range j.handles {
		hr := r
		if hr.Err != nil {
			hr.Err = sourceError(h.source, hr.Err)
		}
		if hr.State == Failed && h.opts.Fallback && !out.folder {
			hr.Mesh, hr.Fallback = Placeholder(), true
		}
		if i > 0 && hr.Children != nil {
			hr.Children = slices.Clone(hr.Children) // each Result owns its slice
		}
		l.settleLocked(h, hr)
	}
	j.handles = nil
	return j.priority, true
}
