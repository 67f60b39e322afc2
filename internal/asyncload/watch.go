package asyncload

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher reloads watched files when they change. It watches their folders
// rather than the files: CAD programs and editors often save by writing a
// new file and renaming it over the old one, which a watch on the old file
// would miss.
//
// One goroutine, run, reads fsnotify's events and debounces them with a
// single timer; workers add files after loading them, and Unwatch removes
// them.
type watcher struct {
	l        *Loader
	fsw      *fsnotify.Watcher
	debounce time.Duration
	stopped  chan struct{} // closed when run returns

	// mu guards files and err. It is never held across a call into fsw, so
	// run, which takes it for every event, never waits for one: fsnotify
	// may hold its own lock while it sends on Errors, which run drains.
	mu    sync.Mutex
	files map[string]Priority // watched files, with the priority to reload them at
	err   error               // the last error, for Stats

	// dirMu guards dirs and is held across fsw.Add and fsw.Remove, so a
	// folder's watch is added and removed in the order its count leaves
	// and returns to 0. It is taken before mu, never after.
	dirMu sync.Mutex
	dirs  map[string]int // watched folders, with their number of watched files
}

func newWatcher(l *Loader) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("asyncload: starting the file watcher: %w", err)
	}
	w := &watcher{
		l:        l,
		fsw:      fsw,
		debounce: l.cfg.Debounce,
		stopped:  make(chan struct{}),
		files:    make(map[string]Priority),
		dirs:     make(map[string]int),
	}
	go w.run()
	return w, nil
}

// close stops the watcher. Closing fsw closes its Events channel, which
// ends run.
func (w *watcher) close() error {
	err := w.fsw.Close()
	<-w.stopped
	return err
}

// add watches the file at the absolute path name, to be reloaded at
// priority p; loaded is the file's stamp when it was opened for the load
// that just finished. Watching a file twice only updates p.
//
// A change between that open and this call raised no event we could see,
// so the file is compared with loaded once the watch is in place and
// reloaded at once if it differs.
func (w *watcher) add(name string, p Priority, loaded stamp) {
	if !w.watch(name, p) {
		return
	}
	if now, ok := stampOf(name); ok && !now.same(loaded) {
		w.reload(name)
	}
}

// watch records name and watches its folder, and reports whether it
// succeeded.
func (w *watcher) watch(name string, p Priority) bool {
	w.dirMu.Lock()
	defer w.dirMu.Unlock()
	if _, ok := w.priority(name); !ok {
		dir := filepath.Dir(name)
		if w.dirs[dir] == 0 {
			if err := w.fsw.Add(dir); err != nil {
				w.setErr(err)
				return false
			}
		}
		w.dirs[dir]++
	}
	w.mu.Lock()
	w.files[name] = p
	w.mu.Unlock()
	return true
}

// remove stops watching name and reports whether it was watched.
func (w *watcher) remove(name string) bool {
	w.dirMu.Lock()
	defer w.dirMu.Unlock()
	w.mu.Lock()
	_, ok := w.files[name]
	delete(w.files, name)
	w.mu.Unlock()
	if !ok {
		return false
	}
	dir := filepath.Dir(name)
	if w.dirs[dir]--; w.dirs[dir] == 0 {
		delete(w.dirs, dir)
		if err := w.fsw.Remove(dir); err != nil {
			w.setErr(err) // the folder went away: its watch went with it
		}
	}
	return true
}

// priority returns the priority name is watched at, or false if it is not.
func (w *watcher) priority(name string) (Priority, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.files[name]
	return p, ok
}

func (w *watcher) setErr(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

func (w *watcher) lastErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// stamp is what tells whether a file is still being written.
type stamp struct {
	size    int64
	modTime time.Time
}

func (s stamp) same(o stamp) bool { return s.size == o.size && s.modTime.Equal(o.modTime) }

func stampOf(name string) (stamp, bool) {
	fi, err := os.Stat(name)
	if err != nil {
		return stamp{}, false
	}
	return stamp{fi.Size(), fi.ModTime()}, true
}

// run turns events on watched files into reloads. Each write or create
// pushes the file's deadline debounce into the future and notes its size
// and modification time. When a deadline passes, the file is reloaded if
// it still has the size and time noted at its last event; if it changed
// without an event, or vanished, it waits for another debounce or event.
func (w *watcher) run() {
	defer close(w.stopped)
	due := make(map[string]time.Time) // files waiting for quiet, by deadline
	last := make(map[string]stamp)    // their stamps at their last event
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			name := filepath.Clean(ev.Name)
			if !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Create) {
				continue
			}
			if _, watched := w.priority(name); !watched {
				continue
			}
			due[name] = time.Now().Add(w.debounce)
			last[name], _ = stampOf(name)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.setErr(err)
		case now := <-timer.C:
			for name, deadline := range due {
				if deadline.After(now) {
					continue
				}
				st, exists := stampOf(name)
				if !exists {
					delete(due, name) // removed: its next creation is an event
					delete(last, name)
					continue
				}
				if !st.same(last[name]) {
					due[name], last[name] = now.Add(w.debounce), st // still changing
					continue
				}
				delete(due, name)
				delete(last, name)
				w.reload(name)
			}
		}
		// Arm the timer for the earliest deadline, if any.
		timer.Stop()
		var first time.Time
		for _, deadline := range due {
			if first.IsZero() || deadline.Before(first) {
				first = deadline
			}
		}
		if !first.IsZero() {
			timer.Reset(time.Until(first))
		}
	}
}

// reload queues name again, unless it was unwatched or the loader closed.
func (w *watcher) reload(name string) {
	p, ok := w.priority(name)
	if !ok {
		return
	}
	l := w.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.enqueueLocked(name, name, false, p, QueueOptions{}, true)
	}
}

// Unwatch stops reloading source on change and reports whether it was
// watched. Reloads already queued still happen. It never reads the file,
// but when no other watched file is in the folder it drops the folder's
// watch, one system call that may wait for a worker adding a watch.
func (l *Loader) Unwatch(source string) bool {
	if l.watch == nil {
		return false
	}
	key, isURL, err := l.resolve(source, Normal)
	if err != nil || isURL {
		return false
	}
	return l.watch.remove(key)
}
