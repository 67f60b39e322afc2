package asyncload

import (
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/stlview/stlview/internal/mesh"
)

// A Cache keeps recently loaded meshes within a memory budget in bytes (as
// mesh.Mesh.SizeBytes counts them) and loads the others through a Loader.
// When a new mesh takes the total over the budget, the least recently used
// meshes are dropped until it fits again; the newest mesh always stays,
// even one larger than the whole budget.
//
// A cached mesh is stale once its file's size or modification time differs
// from what they were when it was loaded: GetOrQueue then loads it again.
// Downloads are never stale.
//
// The Cache's loads are ordinary loads of its Loader: their Results also
// arrive through Loader.PollCompleted, which the program must keep
// draining. All methods are safe for concurrent use; only GetOrQueue does
// I/O.
type Cache struct {
	loader *Loader // immutable
	budget int64   // immutable

	// mu guards the fields below. It is taken before Loader.mu, never
	// after: the Cache calls the Loader, the Loader never calls the Cache.
	mu      sync.Mutex
	lru     *simplelru.LRU[string, cached] // finished meshes by key, sized by bytes not entries
	bytes   int64                          // sum of cached.bytes over lru
	loading map[string]pending             // loads started by GetOrQueue and not yet collected
	// batchDone is the weight of the loads collected since loading was
	// last empty, so LoadingProgress covers the whole batch.
	batchDone                      int64
	hits, misses, stale, evictions int
}

// cached is a finished mesh and the stamp of the file it came from.
type cached struct {
	mesh  *mesh.Mesh
	bytes int64 // mesh.SizeBytes()
	stamp stamp // zero for a download
}

// pending is a load in flight, the highest priority asked of it, and its
// weight in LoadingProgress: the file's size when it was queued, or the
// download's once known.
type pending struct {
	h        *Handle
	priority Priority
	size     int64
}

// CacheStats is a snapshot of a Cache's counters.
type CacheStats struct {
	Entries   int   // meshes held
	Bytes     int64 // their total SizeBytes
	Budget    int64 // the budget given to NewCache
	Loading   int   // loads in flight
	Hits      int   // GetOrQueue calls answered from memory
	Misses    int   // GetOrQueue calls that queued a load or joined one
	Stale     int   // meshes dropped because their file changed
	Evictions int   // meshes dropped to fit the budget
}

// NewCache returns an empty Cache of budget bytes over loader. The loader
// must outlive the Cache's use; closing it cancels the Cache's loads.
func NewCache(loader *Loader, budget int64) *Cache {
	// The LRU keeps order only: the budget in bytes is enforced here, so
	// its entry limit is effectively none.
	lru, err := simplelru.NewLRU[string, cached](math.MaxInt, nil)
	if err != nil {
		panic("asyncload: " + err.Error()) // only for a size <= 0
	}
	return &Cache{loader: loader, budget: budget, lru: lru, loading: make(map[string]pending)}
}

// GetOrQueue returns the mesh of source if it is cached and fresh (h is
// then nil). Otherwise it returns the handle of the load that will bring
// it, queueing one at priority p unless one is in flight (whose priority it
// raises to p if p is higher). When that load completes, the mesh enters
// the cache; a load that fails or is cancelled is forgotten, and the next
// call queues the source again.
//
// To tell a fresh mesh from a stale one, and to weigh a new load in
// LoadingProgress, GetOrQueue stats a local file: one system call, no
// reading. Call it when a model is opened, not every frame. It fails for a
// folder (queue those on the Loader), a file that cannot be stat-ed, and
// whatever Queue rejects.
func (c *Cache) GetOrQueue(source string, p Priority) (m *mesh.Mesh, h *Handle, err error) {
	key, isURL, err := c.loader.resolve(source, p)
	if err != nil {
		return nil, nil, err
	}
	var now stamp // zero for a download: never stale
	if !isURL {
		fi, err := os.Stat(key)
		if err != nil {
			return nil, nil, err
		}
		if fi.IsDir() {
			return nil, nil, fmt.Errorf("asyncload: %s: %w: a Cache holds files; queue folders on the Loader", source, ErrInvalid)
		}
		now = stamp{fi.Size(), fi.ModTime()}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.collectLocked()
	if e, ok := c.lru.Get(key); ok {
		if e.stamp.same(now) {
			c.hits++
			return e.mesh, nil, nil
		}
		c.lru.Remove(key)
		c.bytes -= e.bytes
		c.stale++
	}
	c.misses++
	if pl, ok := c.loading[key]; ok {
		if p > pl.priority {
			pl.priority = p
			c.loading[key] = pl
			c.loader.SetPriority(pl.h, p) // p is valid: resolve checked it
		}
		return nil, pl.h, nil
	}
	h, err = c.loader.Queue(source, p, QueueOptions{})
	if err != nil {
		return nil, nil, err
	}
	c.loading[key] = pending{h: h, priority: p, size: max(0, now.size)}
	return nil, h, nil
}

// Put adds the mesh of a completed load to the cache, as if the cache had
// loaded it itself, so loads queued on the Loader directly (the files of a
// folder, reloads) share the same memory budget. Results that did not
// complete, and placeholders, are ignored. It does no I/O.
func (c *Cache) Put(r Result) {
	if r.State != Completed || r.Mesh == nil || r.Fallback {
		return
	}
	key, isURL, err := c.loader.resolve(r.Source, Normal)
	if err != nil {
		return
	}
	e := cached{mesh: r.Mesh, bytes: r.Mesh.SizeBytes()}
	if !isURL {
		e.stamp = stamp{r.Size, r.ModTime}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.collectLocked()
	c.addLocked(key, e)
	c.evictLocked()
}

// Get returns the cached mesh of source and marks it recently used. It
// does no I/O, so unlike GetOrQueue it cannot tell a stale mesh from a
// fresh one; ok is false when source is not cached.
func (c *Cache) Get(source string) (m *mesh.Mesh, ok bool) {
	c.withKey(source, func(key string) {
		var e cached
		if e, ok = c.lru.Get(key); ok {
			m = e.mesh
			c.hits++
		}
	})
	return m, ok
}

// IsLoaded reports whether source's mesh is in the cache. It does no I/O,
// so it cannot tell whether the mesh is stale; GetOrQueue can.
func (c *Cache) IsLoaded(source string) (ok bool) {
	c.withKey(source, func(key string) { ok = c.lru.Contains(key) })
	return ok
}

// IsLoading reports whether a load of source started by GetOrQueue is in
// flight. It does no I/O.
func (c *Cache) IsLoading(source string) (ok bool) {
	c.withKey(source, func(key string) { _, ok = c.loading[key] })
	return ok
}

// withKey calls fn with source's key while holding c.mu, after moving
// finished loads into the cache; for a source the Loader rejects it does
// nothing.
func (c *Cache) withKey(source string, fn func(key string)) {
	key, _, err := c.loader.resolve(source, Normal)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.collectLocked()
	fn(key)
}

// LoadingProgress returns the progress of the Cache's current batch of
// loads, from 0 to 1, weighted by bytes: the loads in flight plus those
// that finished since the Cache was last idle. It returns 1 when nothing is
// loading. It does no I/O; it may step back when a new load joins the
// batch or a download learns its size.
func (c *Cache) LoadingProgress() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.collectLocked()
	if len(c.loading) == 0 {
		return 1
	}
	done, total := c.batchDone, c.batchDone
	for _, pl := range c.loading {
		size := pl.weight()
		total += size
		done += min(size, pl.h.job.read.Load())
	}
	if total == 0 {
		return 0
	}
	return float64(done) / float64(total)
}

// weight returns pl's size for LoadingProgress.
func (pl pending) weight() int64 {
	if pl.size > 0 {
		return pl.size
	}
	return max(0, pl.h.job.size.Load()) // a download's Content-Length, once known
}

// Stats returns the Cache's counters. It does no I/O.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.collectLocked()
	return CacheStats{
		Entries:   c.lru.Len(),
		Bytes:     c.bytes,
		Budget:    c.budget,
		Loading:   len(c.loading),
		Hits:      c.hits,
		Misses:    c.misses,
		Stale:     c.stale,
		Evictions: c.evictions,
	}
}

// collectLocked moves finished loads from loading into the LRU, then
// evicts as evictLocked does.
// Callers hold c.mu.
func (c *Cache) collectLocked() {
	for key, pl := range c.loading {
		r, done := pl.h.Result()
		if !done {
			continue
		}
		delete(c.loading, key)
		c.batchDone += pl.weight()
		if r.State != Completed {
			continue
		}
		e := cached{mesh: r.Mesh, bytes: r.Mesh.SizeBytes()}
		if !pl.h.job.isURL {
			e.stamp = stamp{r.Size, r.ModTime}
		}
		c.addLocked(key, e)
	}
	if len(c.loading) == 0 {
		c.batchDone = 0
	}
	c.evictLocked()
}

// addLocked puts e in the LRU under key, replacing what was there.
// Callers hold c.mu.
func (c *Cache) addLocked(key string, e cached) {
	if old, ok := c.lru.Peek(key); ok {
		c.bytes -= old.bytes
	}
	c.lru.Add(key, e)
	c.bytes += e.bytes
}

// evictLocked drops the least recently used meshes until the total fits
// the budget, always keeping the newest. Callers hold c.mu.
func (c *Cache) evictLocked() {
	for c.bytes > c.budget && c.lru.Len() > 1 {
		_, old, _ := c.lru.RemoveOldest()
		c.bytes -= old.bytes
		c.evictions++
	}
}
