//go:build race

package mesh

// raceEnabled reports whether the race detector is on: tests that stream
// tens of megabytes through the parser scale down, as it runs them ten
// times slower.
const raceEnabled = true
