package main

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/stlview/stlview/internal/asyncload"
)

// loadAll queues paths on l and calls fn with each file's result, in the
// order of paths, a folder's files in its place (sorted), waiting for each
// in turn. A folder that fails (no STL file in it, unreadable) gives a
// result of its own with Err set. Results are drained from l as they are
// reported, so l keeps no mesh fn has let go of.
func loadAll(l *asyncload.Loader, paths []string, p asyncload.Priority, fn func(r asyncload.Result)) {
	queue := l.QueueBatch(paths, p)
	var drained []asyncload.Result
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		<-h.Done()
		r, _ := h.Result()
		drained = l.PollCompleted(drained[:0])
		clear(drained) // fn gets r from the handle; drop the loader's copies
		if r.Children != nil {
			queue = append(r.Children, queue...)
		}
		if r.Children == nil || r.Err != nil {
			fn(r)
		}
	}
}

// expandFolders replaces each folder among paths by its STL files, for
// callers that need files (the benchmark). URLs and files stay as they are.
func expandFolders(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			files = append(files, p)
			continue
		}
		names, err := asyncload.FindSTL(os.DirFS(p), ".")
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, errors.New(p + ": " + asyncload.ErrNoSTL.Error())
		}
		for _, n := range names {
			files = append(files, filepath.Join(p, filepath.FromSlash(n)))
		}
	}
	return files, nil
}
