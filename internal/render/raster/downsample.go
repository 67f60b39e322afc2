package raster

import (
	"image"
	"runtime"
	"sync"
)

// Downsample shrinks src into dst by k in each direction, each pixel of dst
// the mean of a k×k block of src: the last step of supersampling, which
// is how pictures and resting frames are antialiased. src must be k times
// dst's size; dst's pixels are overwritten. Both are alpha-premultiplied,
// as image.RGBA is, so transparent backgrounds blend right. It uses every
// core.
func Downsample(dst, src *image.RGBA, k int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if src.Rect.Dx() != k*w || src.Rect.Dy() != k*h {
		panic("raster: Downsample: src is not k times dst")
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), h/16))
	var wg sync.WaitGroup
	n := uint32(k * k)
	for wk := range workers {
		wg.Go(func() {
			var acc []uint32
			for y := wk * h / workers; y < (wk+1)*h/workers; y++ {
				acc = grow(acc, 4*w)
				clear(acc)
				for sy := k * y; sy < k*y+k; sy++ {
					row := src.Pix[sy*src.Stride : sy*src.Stride+4*k*w]
					for x := range w {
						a := acc[4*x : 4*x+4 : 4*x+4]
						for sx := k * x; sx < k*x+k; sx++ {
							p := row[4*sx : 4*sx+4 : 4*sx+4]
							a[0] += uint32(p[0])
							a[1] += uint32(p[1])
							a[2] += uint32(p[2])
							a[3] += uint32(p[3])
						}
					}
				}
				out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
				for i, v := range acc {
					out[i] = uint8((v + n/2) / n)
				}
			}
		})
	}
	wg.Wait()
}
