// Package hostile holds stlview's hostile regression suite and nothing
// else: its tests build the real program once and run
// "stlview --info --json" as a subprocess on input made to hurt it (a
// sparse file that claims four billion triangles, gzip bombs, endless and
// stalled downloads, FIFOs, devices, symbolic links out of a folder,
// millions of empty solids) and on a genuine big file. Every input is made
// at test time, sparse or streamed through gzip, so the suite costs
// little disk and nothing large is committed.
//
// Each case checks what the user sees and what the machine pays: the exit
// code (0 or 1, never the usage code 2, never a signal), one clean JSON
// line per file on standard output, a summary line alone on standard
// error, the wall time measured from outside and the child's peak
// resident memory from its rusage. On Unix a small launcher
// (testdata/launcher) starts each child, because a child's ru_maxrss
// starts at the peak size of the process that starts it, and the test
// binary is large.
//
// BenchmarkInfoBigBinary times --info on a 100 MB binary file against
// reading its bytes, and reports the child's peak memory.
package hostile
