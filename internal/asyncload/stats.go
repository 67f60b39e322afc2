package asyncload

import "time"

// Stats is a snapshot of a Loader's counters since New.
type Stats struct {
	Queued  int // loads waiting for a worker (a shared load counts once)
	Loading int // loads on a worker now

	// Handles settled in each final state. Every handle counts, so a load
	// shared by three handles adds three, and a folder counts as one
	// Completed handle besides its files.
	Completed, Failed, Cancelled int

	Bytes     int64         // bytes read by completed file and URL loads
	Triangles int64         // faces in the meshes those loads delivered
	MeanLoad  time.Duration // mean worker time of those loads
	MaxLoad   time.Duration // longest worker time of those loads

	// Busy is the wall time during which at least one load was running.
	Busy time.Duration
	// Throughput is Bytes per second of Busy time: how fast the loader
	// reads while it has work, whatever the idle time in between.
	Throughput float64

	// WatchErr is the last error of the file watcher, or nil: a folder it
	// could not watch, or events it lost.
	WatchErr error
}

// counters is what Stats is computed from. Loader.mu guards it.
type counters struct {
	loading                      int
	completed, failed, cancelled int
	loads                        int // completed file and URL loads
	bytes, triangles             int64
	total, longest               time.Duration // summed and longest load time
	busy                         time.Duration // closed busy periods
	busySince                    time.Time     // start of the busy period, while loading > 0
}

// started records that a worker took a job at now.
func (c *counters) started(now time.Time) {
	if c.loading == 0 {
		c.busySince = now
	}
	c.loading++
}

// stopped records that a worker finished a job at now.
func (c *counters) stopped(now time.Time) {
	c.loading--
	if c.loading == 0 {
		c.busy += now.Sub(c.busySince)
	}
}

// settled counts a handle that reached state s.
func (c *counters) settled(s State) {
	switch s {
	case Completed:
		c.completed++
	case Failed:
		c.failed++
	case Cancelled:
		c.cancelled++
	}
}

// loaded records a finished file or URL load.
func (c *counters) loaded(r Result) {
	if r.State != Completed {
		return
	}
	c.loads++
	c.bytes += r.Bytes
	c.triangles += int64(r.Mesh.Faces())
	c.total += r.Duration
	c.longest = max(c.longest, r.Duration)
}

// Stats returns the loader's counters. It takes the loader's lock for a
// moment and does no I/O; any goroutine may call it, every frame.
func (l *Loader) Stats() Stats {
	l.mu.Lock()
	c := l.stats
	queued := len(l.queue)
	l.mu.Unlock()

	s := Stats{
		Queued:    queued,
		Loading:   c.loading,
		Completed: c.completed,
		Failed:    c.failed,
		Cancelled: c.cancelled,
		Bytes:     c.bytes,
		Triangles: c.triangles,
		MaxLoad:   c.longest,
		Busy:      c.busy,
	}
	if c.loading > 0 {
		s.Busy += time.Since(c.busySince)
	}
	if c.loads > 0 {
		s.MeanLoad = c.total / time.Duration(c.loads)
	}
	if s.Busy > 0 {
		s.Throughput = float64(s.Bytes) / s.Busy.Seconds()
	}
	if l.watch != nil {
		s.WatchErr = l.watch.lastErr()
	}
	return s
}
