package mesh

import (
	"context"
	"fmt"
)

// A Budget accounts for the memory that decoding takes, so that loads that
// run at once cannot together take more than the program allows. The
// decoder reserves what it is about to allocate before it allocates it
// (binary: from the triangle count; ASCII: from the size; gzip and streams
// of unknown size: as the data grows) and releases what it no longer
// needs. See Decoder.Budget for who owns what is left reserved.
//
// Implementations must be safe for concurrent use.
type Budget interface {
	// Reserve claims n more bytes. It returns nil once they are reserved,
	// or an error that wraps ErrTooLarge (a *BudgetError) when they never
	// can be, or ctx's error. It may wait for other holders to release.
	Reserve(ctx context.Context, n int64) error
	// Release gives back n bytes reserved earlier.
	Release(n int64)
}

// BudgetError is the error of a reservation that cannot fit a Budget. It
// wraps ErrTooLarge.
type BudgetError struct {
	Need   int64  // the bytes the load needs in all
	Limit  int64  // the budget's size in bytes
	InUse  int64  // bytes held by others when the reservation failed, if that is why
	Source string // what sets the limit, for the message: "--cache-mb"; may be empty
}

func (e *BudgetError) Error() string {
	return "needs " + FormatBytes(e.Need) + "; " + e.limitText()
}

// limitText is the budget's part of the message: "the memory budget is
// 2048 MB (--cache-mb)". The decoder puts its own account of the need
// before it.
func (e *BudgetError) limitText() string {
	s := fmt.Sprintf("the memory budget is %d MB", e.Limit>>20)
	if e.Source != "" {
		s += " (" + e.Source + ")"
	}
	if e.InUse > 0 && e.Need <= e.Limit {
		s += fmt.Sprintf(", of which %s is in use", FormatBytes(e.InUse))
	}
	return s
}

// Unwrap returns ErrTooLarge.
func (e *BudgetError) Unwrap() error { return ErrTooLarge }

// FormatBytes formats a size for people, in B, kB, MB, GB or TB with three
// significant digits at most: "206 GB", "1.5 MB".
func FormatBytes(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	v, u := float64(n), 0
	for v >= 999.5 && u < len(units)-1 {
		v /= 1000
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%d B", n)
	case v < 9.95:
		return fmt.Sprintf("%.1f %s", v, units[u])
	}
	return fmt.Sprintf("%.0f %s", v, units[u])
}
