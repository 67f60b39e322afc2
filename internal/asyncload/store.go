package asyncload

import (
	"math"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/stlview/stlview/internal/mesh"
)

// A Store owns every loaded mesh and everything derived from it (its
// levels of detail, its analysis, a renderer's buffers for it), keyed by
// source, within one Budget that counts all of it. A Loader configured
// with a Store puts each mesh it loads there, under the reservation the
// decode made, and hands out the Entry; nothing else keeps meshes, so the
// budget is the program's.
//
// When a reservation does not fit, the Store evicts the least recently
// used entries that are not pinned (on screen, being drawn) until it does.
// A reload replaces its source's entry. Either way the old entry is
// released: its reservation goes back to the budget, and it is listed for
// PollEvicted, so the program's renderer can forget its buffers on the
// goroutine that owns them.
//
// All methods are safe for concurrent use.
type Store struct {
	budget *Budget // immutable

	// mu guards the fields below and every Entry's pins, and is taken
	// before the Budget's lock, never after.
	mu      sync.Mutex
	lru     *simplelru.LRU[string, *Entry]
	evicted []*Entry
	stats   StoreStats
}

// StoreStats are a Store's counters.
type StoreStats struct {
	Entries   int   // entries held
	Bytes     int64 // their reservations
	Evictions int   // entries dropped to make room
	Replaced  int   // entries replaced by a reload
}

// NewStore returns an empty Store over budget, which from then on evicts
// from it when a reservation does not fit.
func NewStore(budget *Budget) *Store {
	lru, err := simplelru.NewLRU[string, *Entry](math.MaxInt, nil)
	if err != nil {
		panic("asyncload: " + err.Error()) // only for a size <= 0
	}
	s := &Store{budget: budget, lru: lru}
	budget.setEvict(s.evict)
	return s
}

// Budget returns the store's budget.
func (s *Store) Budget() *Budget { return s.budget }

// An Entry is one loaded source in a Store: its mesh and what is derived
// from it. The mesh, levels and stamp are set before the Entry is shared
// and never change; derived data (an analysis, corner normals, feature
// edges) and the renderer's bytes are set later, safely for concurrent
// readers. Read-only for its users.
type Entry struct {
	Key    string     // the source's key (Handle.Key)
	Kind   SourceKind // file or URL
	Mesh   *mesh.Mesh // full detail, indexed
	Levels []*mesh.Mesh
	stamp  stamp // the file's size and modification time when read

	derivedMu sync.Mutex
	derived   map[string]derived // by kind, set by SetDerived

	// bytes is the entry's reservation: mesh, levels, analysis and
	// renderer buffers. pins counts the users that keep it from eviction.
	// Both are guarded by Store.mu; released is set once, by the eviction
	// or replacement that drops the entry.
	bytes    int64
	renderer int64 // of bytes, what the renderer reported
	pins     int
	released bool
}

// derived is one piece of derived data and the bytes it holds.
type derived struct {
	v     any
	bytes int64
}

// Derived returns what SetDerived stored under kind, or nil.
func (e *Entry) Derived(kind string) any {
	e.derivedMu.Lock()
	defer e.derivedMu.Unlock()
	return e.derived[kind].v
}

// put adds e, whose reservation of e.bytes is already made, replacing the
// entry of the same key (which is then released). It reports whether e is
// in the store: not when the store is full of pinned entries.
func (s *Store) put(e *Entry) {
	s.mu.Lock()
	if old, ok := s.lru.Peek(e.Key); ok {
		s.dropLocked(old)
		s.stats.Replaced++
	}
	s.lru.Add(e.Key, e)
	s.stats.Bytes += e.bytes
	s.mu.Unlock()
}

// Get returns the entry of key and marks it recently used.
func (s *Store) Get(key string) (*Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Get(key)
}

// Pin keeps e from eviction until the matching Unpin. The program pins
// what it draws and what a background renderer is drawing. Pinning an
// entry that was already evicted does nothing (it is not brought back).
func (s *Store) Pin(e *Entry) {
	s.mu.Lock()
	e.pins++
	s.mu.Unlock()
}

// Unpin undoes one Pin.
func (s *Store) Unpin(e *Entry) {
	s.mu.Lock()
	e.pins--
	s.mu.Unlock()
	s.trim()
}

// Touch marks e recently used.
func (s *Store) Touch(e *Entry) {
	s.mu.Lock()
	s.lru.Get(e.Key)
	s.mu.Unlock()
}

// SetDerived stores v, derived from e's mesh and holding about bytes,
// with e under kind (such as "analysis" or "smooth:30"), replacing and
// releasing what was stored under kind before. The bytes are reserved,
// evicting others if needed (not e while it is being worked on: the
// worker pins it). On an entry already released it stores nothing.
func (s *Store) SetDerived(e *Entry, kind string, v any, bytes int64) {
	s.budget.force(bytes)
	s.mu.Lock()
	if e.released {
		s.mu.Unlock()
		s.budget.Release(bytes)
		return
	}
	e.derivedMu.Lock()
	old := e.derived[kind]
	if e.derived == nil {
		e.derived = map[string]derived{}
	}
	e.derived[kind] = derived{v, bytes}
	e.derivedMu.Unlock()
	d := bytes - old.bytes
	e.bytes += d
	s.stats.Bytes += d
	s.mu.Unlock()
	s.budget.Release(old.bytes)
	s.trim()
}

// DropDerived releases what was stored under kind with e, if anything:
// derived data no longer shown (smooth normals after shading goes back
// to flat) gives its memory back.
func (s *Store) DropDerived(e *Entry, kind string) {
	s.mu.Lock()
	e.derivedMu.Lock()
	old, ok := e.derived[kind]
	delete(e.derived, kind)
	e.derivedMu.Unlock()
	if ok && !e.released {
		e.bytes -= old.bytes
		s.stats.Bytes -= old.bytes
		s.mu.Unlock()
		s.budget.Release(old.bytes)
		return
	}
	s.mu.Unlock()
}

// SetRendererBytes records that a renderer keeps n bytes for e (its
// buffers), so that the budget counts them; n replaces what was recorded
// before. Memory that already exists cannot be refused: if the budget is
// then exceeded, other entries are evicted.
func (s *Store) SetRendererBytes(e *Entry, n int64) {
	s.mu.Lock()
	if e.released {
		s.mu.Unlock()
		return
	}
	d := n - e.renderer
	e.renderer = n
	e.bytes += d
	s.stats.Bytes += d
	s.mu.Unlock()
	if d > 0 {
		s.budget.force(d)
		s.trim()
	} else {
		s.budget.Release(-d)
	}
}

// Remove drops the entry of key, if any, as an eviction does, and reports
// whether there was one.
func (s *Store) Remove(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.lru.Peek(key)
	if ok {
		s.dropLocked(e)
	}
	return ok
}

// PollEvicted appends the entries released since the last call (evicted
// or replaced) to buf and returns it: their meshes are no longer the
// store's, and whatever a renderer keeps for them should go. It never
// blocks for long.
func (s *Store) PollEvicted(buf []*Entry) []*Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf = append(buf, s.evicted...)
	clear(s.evicted)
	s.evicted = s.evicted[:0]
	return buf
}

// Stats returns the store's counters.
func (s *Store) Stats() StoreStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Entries = s.lru.Len()
	return st
}

// evict drops the least recently used unpinned entries until about need
// bytes are freed, and returns how many it dropped. The Budget calls it,
// without its own lock held.
func (s *Store) evict(need int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, key := range s.lru.Keys() { // oldest first
		if need <= 0 {
			break
		}
		e, _ := s.lru.Peek(key)
		if e.pins > 0 {
			continue
		}
		need -= e.bytes
		s.dropLocked(e)
		s.stats.Evictions++
		n++
	}
	return n
}

// trim evicts while the budget is exceeded (after memory was forced in).
func (s *Store) trim() {
	if over := s.budget.over(); over > 0 {
		s.evict(over)
	}
}

// dropLocked removes e and releases its reservation. Callers hold s.mu.
func (s *Store) dropLocked(e *Entry) {
	if cur, ok := s.lru.Peek(e.Key); ok && cur == e {
		s.lru.Remove(e.Key)
	}
	if e.released {
		return
	}
	e.released = true
	s.stats.Bytes -= e.bytes
	s.budget.Release(e.bytes)
	s.evicted = append(s.evicted, e)
}
