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

// Entry is one file the viewer shows and the state of its load. Entries
// belong to the game goroutine.
type Entry struct {
	Source string // the path or URL as queued
	Name   string // a short name for labels
	handle *asyncload.Handle
	key    string // the absolute path or URL, to match reloads

	State    asyncload.State
	Progress float64 // 0..1 by bytes, while loading
	// Mesh is the indexed mesh, or the placeholder of a failed load. It is
	// nil before the load completes, and after Release while the cache
	// holds the mesh (Acquire brings it back).
	Mesh     *mesh.Mesh
	Faces    int      // the mesh's faces, kept when the mesh is released
	Bounds   mesh.Box // the mesh's bounds, likewise
	Err      error    // why the load failed, when it did
	Fallback bool     // Mesh is the placeholder
	Size     int64    // the file's size, or -1
	Duration time.Duration
	Version  int // counts the meshes this entry has had: views redraw when it changes

	reacquire bool // a load to take back a mesh the cache evicted is in flight
}

// Loaded reports whether e's load has brought a mesh (its own or the
// placeholder), held now or released to the cache.
func (e *Entry) Loaded() bool { return e.Version > 0 }

// Library is the ordered list of files the viewer shows. Files keep the
// order they were added in; a folder's files take the folder's place, in
// the order the loader found them. Only the game goroutine may use it.
type Library struct {
	loader   *asyncload.Loader
	cache    *asyncload.Cache // may be nil: entries then keep their meshes
	entries  []*Entry
	pending  map[*asyncload.Handle]slot // loads queued by Add and not yet settled
	seq      int                        // Add calls so far
	results  []asyncload.Result         // poll buffer, reused
	failures []folderFailure            // folders that failed (no files, unreadable)
	loads    int                        // file loads settled, for frame statistics
}

// slot is where the entries of a source queued by Add will go: at pos,
// after those of earlier Adds that land at the same pos.
type slot struct{ pos, seq int }

// folderFailure is a folder that could not be (entirely) read.
type folderFailure struct {
	Source string
	Err    error
}

// NewLibrary returns an empty library that loads through loader and
// keeps meshes in cache (which may be nil).
func NewLibrary(loader *asyncload.Loader, cache *asyncload.Cache) *Library {
	return &Library{loader: loader, cache: cache, pending: map[*asyncload.Handle]slot{}}
}

// Entries returns the entries in display order. The slice is the
// library's own: read it, do not keep it across Poll or Add.
func (l *Library) Entries() []*Entry { return l.entries }

// Add queues a file, folder or URL at priority p. A source named like an
// STL file (or a URL) gets its entry at once, so its cell shows the load's
// progress; other sources are taken for folders, whose files appear once a
// worker has listed them. Add never does I/O.
func (l *Library) Add(source string, p asyncload.Priority) error {
	h, err := l.loader.Queue(source, p, asyncload.QueueOptions{Fallback: true})
	if err != nil {
		return err
	}
	if isURL(source) || asyncload.IsSTLName(source) {
		l.entries = append(l.entries, l.newEntry(h))
		return nil
	}
	l.seq++
	l.pending[h] = slot{len(l.entries), l.seq}
	return nil
}

// Poll takes the loads that finished since the last call and updates the
// entries; it also refreshes the progress of loads in flight. It never
// blocks. It returns the entries whose mesh changed, in a slice the caller
// may keep until the next Poll.
func (l *Library) Poll(changed []*Entry) []*Entry {
	l.results = l.loader.PollCompleted(l.results[:0])
	for i := range l.results {
		r := &l.results[i]
		if at, ok := l.pending[r.Handle]; ok {
			delete(l.pending, r.Handle)
			if r.Children != nil || isFolderError(r) {
				l.addFolder(at, r)
				continue
			}
			e := l.newEntry(r.Handle) // a file after all
			l.insert(at, []*Entry{e})
			if l.settle(e, r) {
				changed = append(changed, e)
			}
			continue
		}
		i := l.index(r)
		if i < 0 {
			continue // a load for an entry that was removed
		}
		if e := l.entries[i]; r.Children != nil {
			// A folder named like a file: its files take its place. They
			// go in just after it, ahead of the slots of later sources
			// (seq -1), and then it leaves, so the slots of earlier
			// sources, which lie before it, stay ahead of its files.
			l.addFolder(slot{pos: i + 1, seq: -1}, r)
			l.remove(i)
		} else if l.settle(e, r) {
			changed = append(changed, e)
		}
	}
	for _, e := range l.entries {
		if !e.State.Final() {
			st := l.loader.Status(e.handle)
			e.State, e.Progress = st.State, st.Progress
			if st.Size >= 0 {
				e.Size = st.Size
			}
		}
	}
	return changed
}

// addFolder puts the files a folder load found where at says, and
// records the folder's error, if any.
func (l *Library) addFolder(at slot, r *asyncload.Result) {
	if r.Err != nil {
		l.failures = append(l.failures, folderFailure{r.Source, r.Err})
	}
	files := make([]*Entry, len(r.Children))
	for i, c := range r.Children {
		files[i] = l.newEntry(c)
	}
	l.insert(at, files)
}

// isFolderError reports whether r is a folder that failed before listing
// any file (a file load always fails with some other error and no mesh
// would be missing its fallback).
func isFolderError(r *asyncload.Result) bool {
	return r.Err != nil && r.Mesh == nil && r.State == asyncload.Failed
}

// settle records a finished load in e and reports whether e's mesh changed.
func (l *Library) settle(e *Entry, r *asyncload.Result) bool {
	l.loads++
	if r.Reloaded && r.State != asyncload.Completed {
		// Keep showing the last good mesh, and what was known of it: a
		// file caught half written reloads again on its next change.
		return false
	}
	e.State, e.Progress, e.Duration, e.Size = r.State, 1, r.Duration, r.Size
	e.Err, e.Fallback = r.Err, r.Fallback
	if r.Mesh == nil {
		e.reacquire = false
		return false
	}
	if l.cache != nil {
		l.cache.Put(*r)
	}
	if e.reacquire && e.Version > 0 {
		e.reacquire, e.Mesh = false, r.Mesh // the same file again: no new version
		return false
	}
	e.Mesh, e.Faces, e.Bounds = r.Mesh, r.Mesh.Faces(), r.Mesh.Bounds
	e.Version++
	return true
}

// Release lets go of e's mesh once it is drawn and not needed at hand; the
// cache keeps it while its memory budget allows. Placeholders are kept.
func (l *Library) Release(e *Entry) {
	if l.cache != nil && !e.Fallback && e.State == asyncload.Completed {
		e.Mesh = nil
	}
}

// Acquire returns e's mesh, taking it back from the cache after Release.
// When the cache has evicted it, Acquire loads the file again (a stat
// of the file, then a queued load) and returns nil until that load is in.
func (l *Library) Acquire(e *Entry) *mesh.Mesh {
	if e.Mesh != nil || !e.Loaded() || e.reacquire || l.cache == nil {
		return e.Mesh
	}
	if e.State == asyncload.Failed {
		return nil // loading it again failed (the file went away): no retry every frame
	}
	m, h, err := l.cache.GetOrQueue(e.Source, asyncload.Normal)
	switch {
	case err != nil:
		e.Err, e.State = err, asyncload.Failed
	case m != nil:
		e.Mesh = m
	default:
		e.handle, e.State, e.Progress, e.reacquire = h, asyncload.Queued, 0, true
	}
	return e.Mesh
}

func (l *Library) newEntry(h *asyncload.Handle) *Entry {
	src := h.Source()
	return &Entry{Source: src, Name: displayName(src), handle: h, key: keyOf(src), Size: -1}
}

// insert puts files where at says and moves the slots of later Adds
// behind them.
func (l *Library) insert(at slot, files []*Entry) {
	pos := min(at.pos, len(l.entries))
	l.entries = append(l.entries[:pos], append(files, l.entries[pos:]...)...)
	for h, s := range l.pending {
		if s.pos > at.pos || (s.pos == at.pos && s.seq > at.seq) {
			s.pos += len(files)
			l.pending[h] = s
		}
	}
}

// remove deletes the entry at i and moves the slots behind it up.
func (l *Library) remove(i int) {
	l.entries = slices.Delete(l.entries, i, i+1)
	for h, s := range l.pending {
		if s.pos > i {
			s.pos--
			l.pending[h] = s
		}
	}
}

// index returns the position of the entry a result belongs to: by handle,
// or for a reload by file; -1 if there is none.
func (l *Library) index(r *asyncload.Result) int {
	for i, e := range l.entries {
		if e.handle == r.Handle {
			return i
		}
	}
	if r.Reloaded {
		k := keyOf(r.Source)
		for i, e := range l.entries {
			if e.key == k {
				return i
			}
		}
	}
	return -1
}

// Focus raises e's load to Critical if it is still pending: the file the
// user looks at jumps the queue.
func (l *Library) Focus(e *Entry) {
	if !e.State.Final() {
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

// Loads returns how many file loads have finished, reloads included.
func (l *Library) Loads() int { return l.loads }

// keyOf returns a source's identity: its absolute, cleaned path, or the URL.
func keyOf(src string) string {
	if isURL(src) {
		return src
	}
	if abs, err := filepath.Abs(src); err == nil {
		return abs
	}
	return filepath.Clean(src)
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// displayName returns the last element of a path or URL.
func displayName(src string) string {
	if isURL(src) {
		if i := strings.IndexAny(src, "?#"); i >= 0 {
			src = src[:i]
		}
		return path.Base(src)
	}
	return filepath.Base(src)
}
