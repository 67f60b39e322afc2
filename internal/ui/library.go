package ui

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/mesh"
)

// Entry is one source the viewer shows, a cell of the gallery: a file or
// URL, or a folder that held no file to show (its cell says why), and the
// state of its load. Entries belong to the game goroutine.
type Entry struct {
	Source string               // the path or URL as queued
	Name   string               // a short name for labels
	Kind   asyncload.SourceKind // file, URL, or folder (a failed one)
	key    string               // the Loader's key: absolute path or URL
	handle *asyncload.Handle

	State    asyncload.State
	Progress float64         // 0..1 by bytes, while loading
	Stage    asyncload.Stage // what the worker does, while loading
	// Preview is a rough mesh of the whole shape shown while a big file
	// loads, and after, in place of the levels of detail until they are
	// built; or nil.
	Preview *mesh.Mesh
	// stored is the Store's entry, which owns the mesh and its levels. It
	// is nil before the load completes, and once the Store has evicted
	// it (Acquire loads it again).
	stored *asyncload.Entry
	Faces  int      // the mesh's faces, kept when the mesh is evicted
	Bounds mesh.Box // the mesh's bounds, likewise
	Info   meshInfo // what the panel tells of the mesh, likewise
	Err    error    // why the load failed, when it did
	// Stale is why the file, changed on disk, no longer loads; the
	// entry keeps showing the last good mesh. Nil when the file loads.
	Stale    error
	Fallback bool  // the load failed: the cell shows the placeholder
	Size     int64 // the file's size, or -1
	Duration time.Duration
	Version  int // counts the meshes this entry has had: views redraw when it changes

	reacquire bool // a load to take back a mesh the Store evicted is in flight
}

// meshInfo is what the focused panel shows of a mesh, kept with the entry
// so it outlives an eviction.
type meshInfo struct {
	Vertices   int
	Format     mesh.Format
	Compressed bool
	Solids     int
	Dropped    int
	Degenerate int
	Colors     bool
}

// Loaded reports whether e's load has brought a mesh (its own or the
// placeholder), held now or evicted since.
func (e *Entry) Loaded() bool { return e.Version > 0 }

// Mesh returns e's full mesh: the Store's, or the placeholder of a failed
// load; nil before the load completes and while the mesh is evicted.
func (e *Entry) Mesh() *mesh.Mesh {
	switch {
	case e.Fallback:
		return asyncload.Placeholder()
	case e.stored != nil:
		return e.stored.Mesh
	}
	return nil
}

// Levels returns e's levels of detail, finest first, or nil: those the
// Game built after the load (see Options.Levels), or the loader's; until
// they are built, a big file's preview stands in as its one coarse level,
// so that moving frames never draw the full mesh.
func (e *Entry) Levels() []*mesh.Mesh {
	if e.stored == nil || e.Fallback {
		return nil
	}
	if lv, ok := e.stored.Derived(kindLevels).([]*mesh.Mesh); ok {
		return lv
	}
	if len(e.stored.Levels) > 0 {
		return e.stored.Levels
	}
	if e.Preview != nil {
		return []*mesh.Mesh{e.Preview}
	}
	return nil
}

// Stored returns e's Store entry, or nil while it has none.
func (e *Entry) Stored() *asyncload.Entry {
	if e.Fallback {
		return nil
	}
	return e.stored
}

// Failed reports whether e's cell shows a failure: a load that failed, or
// a folder with nothing to show.
func (e *Entry) Failed() bool { return e.Err != nil }

// Library is the ordered list of entries the viewer shows. Entries keep
// the order their sources were added in; a folder's files take the
// folder's place, in the order the loader found them. A source is shown
// once: adding it again finds its entry. Only the game goroutine may use
// a Library.
type Library struct {
	loader  *asyncload.Loader
	store   *asyncload.Store // may be nil: entries then hold the meshes of their Results
	entries []*Entry
	byKey   map[string]*Entry
	pending map[*asyncload.Handle]slot // folders queued by Add and not yet listed
	seq     int                        // Add calls so far
	results []asyncload.Result         // poll buffer, reused
	evicted []*asyncload.Entry         // poll buffer, reused
	dropped []*asyncload.Entry         // Store entries let go of since the last Dropped
	forget  []*mesh.Mesh               // meshes let go of since the last Forgotten
	loads   int                        // file loads settled, for frame statistics
	skipped int                        // links out of added folders, not followed
}

// slot is where the entries of a source queued by Add will go: at pos,
// after those of earlier Adds that land at the same pos.
type slot struct{ pos, seq int }

// NewLibrary returns an empty library that loads through loader, whose
// meshes are kept by store (nil: each entry keeps its own).
func NewLibrary(loader *asyncload.Loader, store *asyncload.Store) *Library {
	return &Library{loader: loader, store: store, byKey: map[string]*Entry{}, pending: map[*asyncload.Handle]slot{}}
}

// Entries returns the entries in display order. The slice is the
// library's own: read it, do not keep it across Poll or Add.
func (l *Library) Entries() []*Entry { return l.entries }

// Find returns the entry of source, if the library shows it.
func (l *Library) Find(source string) *Entry {
	key, err := l.loader.Key(source)
	if err != nil {
		return nil
	}
	return l.byKey[key]
}

// Add queues a file, folder or URL at priority p, unless the library
// shows it already: then it returns its entry and false. A source named
// like an STL file (or a URL) gets its entry at once, so its cell shows
// the load's progress; other sources are taken for folders, whose files
// appear once a worker has listed them (Add returns nil for them). Add
// never does I/O.
func (l *Library) Add(source string, p asyncload.Priority) (*Entry, bool, error) {
	if e := l.Find(source); e != nil {
		return e, false, nil
	}
	h, err := l.loader.Queue(source, p, asyncload.QueueOptions{Fallback: true})
	if err != nil {
		return nil, false, err
	}
	if asyncload.IsURL(source) || asyncload.IsSTLName(source) {
		e := l.newEntry(h)
		l.entries = append(l.entries, e)
		l.byKey[e.key] = e
		return e, true, nil
	}
	l.seq++
	l.pending[h] = slot{len(l.entries), l.seq}
	return nil, true, nil
}

// Poll takes the loads that finished since the last call and updates the
// entries, refreshes the progress of loads in flight, and lets go of the
// meshes the Store evicted (see Forgotten). It never blocks. It returns
// the entries whose mesh changed, in a slice the caller may keep until
// the next Poll.
func (l *Library) Poll(changed []*Entry) []*Entry {
	l.results = l.loader.PollCompleted(l.results[:0])
	for i := range l.results {
		r := &l.results[i]
		if at, ok := l.pending[r.Handle]; ok {
			delete(l.pending, r.Handle)
			if r.Kind == asyncload.KindFolder {
				changed = l.addFolder(at, r, changed)
				continue
			}
			// A file after all (a name without .stl).
			e := l.newEntry(r.Handle)
			l.insert(at, []*Entry{e})
			if l.settle(e, r) {
				changed = append(changed, e)
			}
			l.letGo(e)
			continue
		}
		i := l.index(r)
		if i < 0 {
			r.Release()
			continue // a load for an entry that was removed
		}
		if e := l.entries[i]; r.Kind == asyncload.KindFolder {
			// A folder named like a file: its files take its place. They
			// go in just after it, ahead of the slots of later sources
			// (seq -1), and then it leaves, so the slots of earlier
			// sources, which lie before it, stay ahead of its files.
			delete(l.byKey, e.key)
			changed = l.addFolder(slot{pos: i + 1, seq: -1}, r, changed)
			l.remove(i)
		} else {
			if l.settle(e, r) {
				changed = append(changed, e)
			}
			l.letGo(e)
		}
	}
	clear(l.results) // the entries have what they need: keep no mesh here
	if l.store != nil {
		l.evicted = l.store.PollEvicted(l.evicted[:0])
		l.dropped = append(l.dropped, l.evicted...)
		for _, se := range l.evicted {
			if e := l.byKey[se.Key]; e != nil && e.stored == se {
				e.stored = nil
			}
			l.forget = append(l.forget, se.Mesh)
			l.forget = append(l.forget, se.Levels...)
			if lv, ok := se.Derived(kindLevels).([]*mesh.Mesh); ok {
				l.forget = append(l.forget, lv...)
			}
		}
		clear(l.evicted)
	}
	for _, e := range l.entries {
		if !e.State.Final() || e.reacquire {
			st := l.loader.Status(e.handle)
			// A final state comes only with its Result (settle): a load
			// that settles between PollCompleted and here stays loading
			// until the next Poll brings its mesh or its error.
			if !e.reacquire && !st.State.Final() {
				e.State, e.Progress, e.Stage = st.State, st.Progress, st.Stage
				if st.Preview != nil {
					e.Preview = st.Preview
				}
			}
			if st.Size >= 0 {
				e.Size = st.Size
			}
		}
	}
	return changed
}

// Forgotten appends to buf the meshes the library has let go of since the
// last call (evicted by the Store, or replaced by a reload), for the
// renderer to drop what it keeps for them, and returns it.
func (l *Library) Forgotten(buf []*mesh.Mesh) []*mesh.Mesh {
	buf = append(buf, l.forget...)
	clear(l.forget)
	l.forget = l.forget[:0]
	return buf
}

// letGo drops e's handle once its load has settled: the handle keeps its
// Result, and with it the mesh, which only the Store may keep (an
// evicted mesh would otherwise stay in memory through its handle).
func (l *Library) letGo(e *Entry) {
	if e.State.Final() && !e.reacquire {
		e.handle = nil
	}
}

// Dropped appends to buf the Store entries the Store let go of (evicted or
// replaced) since the last call, so that whoever keeps track of them by
// entry (work asked for, derived data) lets go too.
func (l *Library) Dropped(buf []*asyncload.Entry) []*asyncload.Entry {
	buf = append(buf, l.dropped...)
	clear(l.dropped)
	l.dropped = l.dropped[:0]
	return buf
}

// addFolder puts the files a folder load found where at says, skipping
// those the library shows already; a folder with none to show (it holds
// no STL file, or cannot be read) gets an entry of its own that says why.
func (l *Library) addFolder(at slot, r *asyncload.Result, changed []*Entry) []*Entry {
	l.skipped += r.Skipped
	var files []*Entry
	for _, c := range r.Children {
		if l.byKey[c.Key()] != nil {
			l.loader.Cancel(c)
			continue
		}
		e := l.newEntry(c)
		l.byKey[e.key] = e
		files = append(files, e)
	}
	if r.Err != nil && len(r.Children) == 0 {
		// A cell like a failed file's: the placeholder and the error.
		e := l.newEntry(r.Handle)
		p := asyncload.Placeholder()
		e.Kind, e.State, e.Err, e.Progress, e.Fallback = asyncload.KindFolder, r.State, r.Err, 1, true
		e.Faces, e.Bounds, e.Version = p.Faces(), p.Bounds, 1
		l.byKey[e.key] = e
		files = append(files, e)
		changed = append(changed, e)
	}
	l.insert(at, files)
	return changed
}

// settle records a finished load in e and reports whether e's mesh
// changed.
func (l *Library) settle(e *Entry, r *asyncload.Result) bool {
	l.loads++
	e.Kind = r.Kind
	if r.Reloaded && r.State != asyncload.Completed {
		// Keep showing the last good mesh, and say that the file on disk
		// no longer loads; its next change reloads it again.
		if e.Loaded() && !e.Fallback {
			e.Stale = r.Err
			return false
		}
	}
	if e.reacquire && r.State != asyncload.Completed {
		// Taking an evicted mesh back failed (the file went away): show
		// why, and stop trying every frame.
		e.reacquire = false
		e.State, e.Err, e.Fallback = r.State, r.Err, true
		e.Version++
		return true
	}
	if r.State != asyncload.Completed && e.Preview != nil {
		l.forget = append(l.forget, e.Preview)
		e.Preview = nil // a completed load keeps its preview until its levels are built
	}
	e.State, e.Progress, e.Stage, e.Duration, e.Size = r.State, 1, asyncload.StageNone, r.Duration, r.Size
	e.Err, e.Fallback = r.Err, r.Fallback
	if r.State == asyncload.Completed {
		e.Stale = nil
	}
	if r.Mesh == nil {
		e.reacquire = false
		return false
	}
	if old := e.stored; old != nil && (r.Entry == nil || old != r.Entry) && l.store == nil {
		l.forget = append(l.forget, old.Mesh) // without a Store, the library lets go itself
	}
	e.stored = r.Entry
	if e.stored == nil && !r.Fallback {
		// No Store: the entry holds the mesh itself.
		e.stored = &asyncload.Entry{Key: e.key, Kind: r.Kind, Mesh: r.Mesh}
	}
	m := r.Mesh
	if e.reacquire && e.Loaded() {
		e.reacquire = false // the same file again: no new version
		return false
	}
	e.Faces, e.Bounds = m.Faces(), m.Bounds
	e.Info = meshInfo{Vertices: m.Vertices(), Format: m.Format, Compressed: m.Compressed, Solids: len(m.Solids),
		Dropped: m.Dropped, Degenerate: m.Degenerate, Colors: m.Colors != nil}
	e.Version++
	return true
}

// Acquire returns e's mesh, loading it again when the Store has evicted
// it: then it returns nil until that load is in. The load is queued at
// priority p (raised, if already queued).
func (l *Library) Acquire(e *Entry, p asyncload.Priority) *mesh.Mesh {
	if m := e.Mesh(); m != nil || !e.Loaded() {
		return m
	}
	if e.reacquire {
		l.loader.SetPriority(e.handle, p)
		return nil
	}
	h, err := l.loader.Queue(e.Source, p, asyncload.QueueOptions{})
	if err != nil {
		e.Err, e.Fallback = err, true
		return nil
	}
	e.handle, e.reacquire = h, true
	return nil
}

func (l *Library) newEntry(h *asyncload.Handle) *Entry {
	src := h.Source()
	kind := asyncload.KindFile
	if asyncload.IsURL(src) {
		kind = asyncload.KindURL
	}
	return &Entry{Source: src, Name: displayName(src), Kind: kind, handle: h, key: h.Key(), Size: -1}
}

// insert puts files where at says and moves the slots of later Adds
// behind them.
func (l *Library) insert(at slot, files []*Entry) {
	pos := min(at.pos, len(l.entries))
	l.entries = slices.Insert(l.entries, pos, files...)
	for h, s := range l.pending {
		if s.pos > at.pos || (s.pos == at.pos && s.seq > at.seq) {
			s.pos += len(files)
			l.pending[h] = s
		}
	}
}

// remove deletes the entry at i and moves the slots behind it up.
func (l *Library) remove(i int) {
	if e := l.entries[i]; l.byKey[e.key] == e {
		delete(l.byKey, e.key)
	}
	l.entries = slices.Delete(l.entries, i, i+1)
	for h, s := range l.pending {
		if s.pos > i {
			s.pos--
			l.pending[h] = s
		}
	}
}

// index returns the position of the entry a result belongs to: by handle,
// or for a reload by key; -1 if there is none.
func (l *Library) index(r *asyncload.Result) int {
	for i, e := range l.entries {
		if e.handle == r.Handle {
			return i
		}
	}
	if r.Reloaded {
		if e := l.byKey[r.Handle.Key()]; e != nil {
			return slices.Index(l.entries, e)
		}
	}
	return -1
}

// Focus raises e's load to Critical if it is still pending: the file the
// user looks at jumps the queue.
func (l *Library) Focus(e *Entry) {
	if !e.State.Final() || e.reacquire {
		l.loader.SetPriority(e.handle, asyncload.Critical)
	}
}

// Pending returns how many files and folders are queued or loading.
func (l *Library) Pending() int {
	n := len(l.pending)
	for _, e := range l.entries {
		if !e.State.Final() {
			n++
		}
	}
	return n
}

// Counts are the library's figures for the top bar and the exit status:
// every source counted once.
type Counts struct {
	Shown   int // entries: files, URLs and folders with nothing to show
	Loaded  int // entries whose mesh came in
	Failed  int // entries that failed (folders with nothing to show included)
	Pending int // files queued or loading, and folders being listed
	Stale   int // files that no longer load since they changed on disk
	Skipped int // links out of added folders, not followed
}

// Counts returns the library's counts.
func (l *Library) Counts() Counts {
	c := Counts{Shown: len(l.entries), Pending: l.Pending(), Skipped: l.skipped}
	for _, e := range l.entries {
		switch {
		case e.Err != nil:
			c.Failed++
		case e.Loaded():
			c.Loaded++
		}
		if e.Stale != nil {
			c.Stale++
		}
	}
	return c
}

// Loads returns how many file loads have finished, reloads included.
func (l *Library) Loads() int { return l.loads }

// displayName returns the last element of a path or URL.
func displayName(src string) string {
	if asyncload.IsURL(src) {
		if i := strings.IndexAny(src, "?#"); i >= 0 {
			src = src[:i]
		}
		return path.Base(src)
	}
	return filepath.Base(src)
}
