//go:build unix

package asyncload

import (
	"io/fs"
	"syscall"
)

// fileID identifies a file by device and inode number.
type fileID struct{ dev, ino uint64 }

// idOf returns fi's identity when fi comes from the operating system.
func idOf(fi fs.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	// The conversions matter: Dev and Ino have other types on other systems.
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
