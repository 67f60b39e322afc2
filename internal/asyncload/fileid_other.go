//go:build !unix

package asyncload

import "io/fs"

// fileID identifies a file; there is no portable identity off Unix.
type fileID struct{}

// idOf reports that fi has no identity, so FindSTL skips links to
// directories.
func idOf(fs.FileInfo) (fileID, bool) { return fileID{}, false }
