package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The heap is mostly meshes: big arrays without pointers, which a
// collection need not scan, so collecting often costs little. Go's default
// target lets the heap grow to twice what is live: for a 10M-face part,
// 700 MB of garbage on top of its 700 MB. The viewer collects once the
// heap has grown by gcPercent over what was live, and by bigGCPercent
// once more than bigHeap is live (measured on the 10M knot: peak RSS 1040
// MB at 100, 714-780 MB at 25, 765 MB at 10; load time unchanged). A small
// heap keeps the higher target, so that a gallery's frames, which
// allocate a little, do not collect all the time.
const (
	gcPercent    = 25
	bigGCPercent = 10
	bigHeap      = 256 << 20
)

// pictureGCPercent is the target of the modes that make a picture and
// exit: short-lived, so Go's default (fewer collections) is faster, and
// their memory is bounded by one part at a time.
const pictureGCPercent = 100

// gcPercent returns the collector's target for the mode c runs.
func (c *config) gcPercent() int {
	if c.thumbnail > 0 || c.headless() {
		return pictureGCPercent
	}
	return gcPercent
}

// gcPercentFor returns the collector's target for live bytes of heap.
func gcPercentFor(live uint64) int {
	if live > bigHeap {
		return bigGCPercent
	}
	return gcPercent
}

// tuneGC sets the collector's target from the live heap every quarter of
// a second until ctx is done.
func tuneGC(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	cur := gcPercent
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if p := gcPercentFor(sample[0].Value.Uint64()); p != cur {
			debug.SetGCPercent(p)
			cur = p
		}
	}
}
