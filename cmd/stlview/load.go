package main

import (
	"github.com/stlview/stlview/internal/asyncload"
)

// loadAll queues paths on l and calls fn with each result, in the order
// of paths, a folder's result before its files' (sorted), waiting for each
// in turn: fn tells a folder by its Kind. Results are drained from l as
// they are reported, so l keeps no mesh fn has let go of.
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
		fn(r)
	}
}
