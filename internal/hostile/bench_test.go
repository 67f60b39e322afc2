package hostile

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// bigBinary is the 100 MB genuine file the benchmark loads, made once per
// test binary in the folder TestMain made.
var bigBinary struct {
	once      sync.Once
	path      string
	triangles int
	size      int64
}

// makeBigBinary makes bigBinary's file, the first time it is asked for.
func makeBigBinary(b *testing.B) {
	b.Helper()
	bigBinary.once.Do(func() {
		p := filepath.Join(workDir, "big-2M.stl")
		bigBinary.triangles = genuineBinary(b, p, 2_000_000)
		fi, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		bigBinary.path, bigBinary.size = p, fi.Size()
	})
	if bigBinary.path == "" {
		b.Fatal("the big binary file could not be made")
	}
}

// BenchmarkInfoBigBinary times stlview --info --json on a genuine 100 MB
// binary file (two million faces), as a user runs it, process start
// included: ns/op and MB/s are the run's. Beside them it reports, per
// run, the load's own time as the program reports it (decode-ms: reading
// and decoding, without the start, the analysis and the output), the time
// to read the same file's bytes as cat does (read-ms, from
// the page cache, which the runs warm too), the ratio of the two
// (x-read), the time the program takes to start and exit doing nothing
// (start-ms, --version), and the child's peak resident memory (peak-MB)
// and its ratio to the file's size (x-file), so that "decodes within 1.5x
// of reading its bytes, with peak memory at most 1.2x the file" can be
// read off. Medians over the b.N runs, and the worst peak.
func BenchmarkInfoBigBinary(b *testing.B) {
	makeBigBinary(b)
	dir := filepath.Dir(bigBinary.path)
	start := median(b, 5, func() time.Duration {
		r := runProgram(b, dir, timeLimit, stlviewBin, "--version")
		if r.code != 0 {
			b.Fatalf("--version: exit %d", r.code)
		}
		return r.wall
	})
	var runs, loads, reads []time.Duration
	var peak float64
	b.SetBytes(bigBinary.size)
	b.ResetTimer()
	for range b.N {
		r := runInfo(b, dir, timeLimit, bigBinary.path)
		b.StopTimer()
		if r.code != 0 || len(r.files) != 1 || r.files[0].Triangles != bigBinary.triangles {
			b.Fatalf("exit %d, %q; want the file's %d triangles", r.code, tail(r.stdout), bigBinary.triangles)
		}
		runs = append(runs, r.wall)
		loads = append(loads, time.Duration(r.files[0].MS*float64(time.Millisecond)))
		peak = max(peak, r.rssMB)
		reads = append(reads, readAll(b, bigBinary.path))
		b.StartTimer()
	}
	b.StopTimer()
	run, load, read := medianOf(runs), medianOf(loads), medianOf(reads)
	b.ReportMetric(ms(load), "decode-ms")
	b.ReportMetric(ms(read), "read-ms")
	b.ReportMetric(run.Seconds()/read.Seconds(), "x-read")
	b.ReportMetric(ms(start), "start-ms")
	if peak >= 0 {
		b.ReportMetric(peak, "peak-MB")
		b.ReportMetric(peak*(1<<20)/float64(bigBinary.size), "x-file")
	}
}

// readAll reads the file at path to its end in 128 KiB reads, as cat
// does, and returns how long that took.
func readAll(b *testing.B, path string) time.Duration {
	b.Helper()
	t0 := time.Now()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 128<<10)
	for {
		_, err := f.Read(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(t0)
}

// median returns the median of n timings of fn.
func median(b *testing.B, n int, fn func() time.Duration) time.Duration {
	b.Helper()
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = fn()
	}
	return medianOf(d)
}

func medianOf(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
