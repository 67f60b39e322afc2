// Package asyncload loads STL files on background workers while a render
// loop keeps drawing.
//
// A Loader owns a fixed set of worker goroutines and one priority queue.
// The render loop queues sources (files, .stl.gz files, folders, http and
// https URLs) and gets a Handle back at once; every frame it may ask for a
// handle's Status and take finished loads with PollCompleted:
//
//	l, err := asyncload.New(asyncload.Config{Indexed: true})
//	...
//	h, err := l.Queue("part.stl", asyncload.Normal, asyncload.QueueOptions{Fallback: true})
//	...
//	// every frame:
//	results = l.PollCompleted(results[:0])
//	for _, r := range results { /* show r.Mesh, report r.Err */ }
//
// None of the methods the render loop calls waits for I/O or for a worker.
// Workers never wait for the render loop either: finished results collect
// in an unbounded list until the next poll.
//
// Design, for readers of the code:
//
//   - queue.go: a job is one load of one source, shared by every handle
//     that asks for that source while it is pending (as in singleflight).
//     Queued jobs sit in one heap ordered by priority, then age, so a free
//     worker always takes the most urgent, oldest load; heap.Fix and
//     heap.Remove implement SetPriority and Cancel.
//   - loader.go: the public operations, all under Loader.mu, which is never
//     held during I/O. A handle settles exactly once, under that lock.
//   - worker.go: workers sleep on a condition variable, take a job, run it
//     with a context that Cancel can stop, and settle its handles. Panics
//     while loading become Failed results.
//   - source.go, walk.go, http.go: what a worker does for a path, a folder
//     and a URL.
//   - watch.go: reload on change; cache.go: a memory-budgeted cache over a
//     Loader; bench.go: the measurement behind stlview --bench.
//
// The package imports no graphics package, so its tests need no display.
package asyncload
