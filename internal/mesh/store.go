package mesh

import "unsafe"

// faceArray holds one per-face array of a decode (positions, normals,
// indices or colours: stride values a face) while the faces stream in.
//
// While the number of faces is not known, or not yet believed, the faces
// go into blocks; promote then allocates the whole array once and moves the
// blocks in, and result joins the blocks when nothing was promoted. The
// array never grows by copying itself into one twice its size, the way
// append would: at worst, its blocks and its final copy are held at once.
type faceArray[T any] struct {
	stride int
	whole  []T   // the whole array once promoted; faces [0, faces) are stored
	blocks [][]T // before that: the faces stored, in order
	faces  int   // faces stored
	last   bool  // the last block came from next and may still be cut by commit
}

func newFaceArray[T any](stride int) *faceArray[T] { return &faceArray[T]{stride: stride} }

// elemSize is the size in bytes of one value of the array.
func (a *faceArray[T]) elemSize() int64 {
	var v T
	return int64(unsafe.Sizeof(v))
}

// faceBytes returns the bytes k faces take.
func (a *faceArray[T]) faceBytes(k int) int64 { return int64(k) * int64(a.stride) * a.elemSize() }

// promoted reports whether the whole array is allocated.
func (a *faceArray[T]) promoted() bool { return a.whole != nil }

// next returns room for the next k faces: in the whole array, or in a new
// block of k faces. The caller fills it and then calls commit.
func (a *faceArray[T]) next(k int) []T {
	if a.whole != nil {
		return a.whole[a.faces*a.stride : (a.faces+k)*a.stride]
	}
	b := make([]T, k*a.stride)
	a.blocks = append(a.blocks, b)
	a.last = true
	return b
}

// commit stores the first kept faces of the room next returned.
func (a *faceArray[T]) commit(kept int) {
	if a.whole == nil && a.last {
		i := len(a.blocks) - 1
		a.blocks[i] = a.blocks[i][:kept*a.stride]
		a.last = false
	}
	a.faces += kept
}

// skip stores k faces of zero values.
func (a *faceArray[T]) skip(k int) {
	if a.whole == nil {
		a.next(k)
	}
	a.commit(k)
}

// promote allocates the whole array for total faces and moves the faces
// stored so far into it. It returns the bytes of the blocks it dropped.
func (a *faceArray[T]) promote(total int) int64 {
	a.whole = make([]T, total*a.stride)
	off := 0
	var freed int64
	for _, b := range a.blocks {
		off += copy(a.whole[off:], b)
		freed += int64(cap(b)) * a.elemSize()
	}
	a.blocks = nil
	return freed
}

// add appends the faces in src (a whole number of faces) to the blocks,
// in blocks of about blockFaces faces; newBlock is called with the bytes
// of each block before it is allocated, and may refuse.
func (a *faceArray[T]) add(src []T, blockFaces int, newBlock func(bytes int64) error) error {
	for len(src) > 0 {
		n := len(a.blocks)
		if n == 0 || len(a.blocks[n-1]) == cap(a.blocks[n-1]) {
			// Blocks grow from small to blockFaces, so a small file
			// holds little slack.
			faces := blockFaces
			if n < 8 {
				faces = max(1024, blockFaces>>(8-n))
			}
			if err := newBlock(a.faceBytes(faces)); err != nil {
				return err
			}
			a.blocks = append(a.blocks, make([]T, 0, faces*a.stride))
			n++
		}
		b := a.blocks[n-1]
		k := min(len(src), cap(b)-len(b))
		a.blocks[n-1] = append(b, src[:k]...)
		src = src[k:]
		a.faces += k / a.stride
	}
	return nil
}

// blockBytes returns the bytes the blocks hold.
func (a *faceArray[T]) blockBytes() int64 {
	var n int64
	for _, b := range a.blocks {
		n += int64(cap(b)) * a.elemSize()
	}
	return n
}

// result returns the stored faces as one slice, joining the blocks (the
// caller has reserved a.faceBytes(a.faces) for that), and empties a.
func (a *faceArray[T]) result() []T {
	out := a.whole
	if out == nil {
		out = make([]T, 0, a.faces*a.stride)
		for _, b := range a.blocks {
			out = append(out, b...)
		}
	}
	out = out[:a.faces*a.stride]
	a.whole, a.blocks = nil, nil
	return out
}
