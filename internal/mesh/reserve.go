package mesh

import (
	"context"
	"errors"
	"strconv"
)

// reservation is what one decode holds of Decoder.Budget. Only the
// decoding goroutine uses it, so it needs no lock. With a nil Budget every
// method does nothing.
type reservation struct {
	ctx      context.Context
	b        Budget
	held     int64 // bytes reserved and not yet released or handed over
	expected int64 // what the load will need in all, where the decoder knows it ahead of reserving it; or 0
}

// reserve claims n more bytes before the decoder allocates them. For the
// message of a load that cannot fit, what says what the load needs the
// bytes for ("for 12 triangles"), and more that it needs more than it knows
// of yet. The error of a load that cannot fit is a *ParseError wrapping
// ErrTooLarge through the Budget's *BudgetError.
func (r *reservation) reserve(n int64, more bool, what func() string) error {
	if r.b == nil || n <= 0 {
		return nil
	}
	if err := r.b.Reserve(r.ctx, n); err != nil {
		var be *BudgetError
		if errors.As(err, &be) {
			need := max(r.held+n, r.expected)
			return &ParseError{Offset: -1, Err: &needError{need: need, more: more, what: what(), budget: be}}
		}
		return err
	}
	r.held += n
	return nil
}

// release gives back n of the bytes held.
func (r *reservation) release(n int64) {
	if r.b == nil || n <= 0 {
		return
	}
	n = min(n, r.held)
	r.held -= n
	r.b.Release(n)
}

// releaseAll gives back everything held: the decode failed, or settle
// already handed the mesh's share to the caller.
func (r *reservation) releaseAll() { r.release(r.held) }

// settle makes the reservation exactly m.SizeBytes() and hands it to the
// caller, who releases it when it drops the mesh.
func (r *reservation) settle(m *Mesh) error {
	if r.b == nil {
		return nil
	}
	size := m.SizeBytes()
	if err := r.reserve(size-r.held, false, func() string { return "for the decoded mesh" }); err != nil {
		return err
	}
	r.release(r.held - size)
	r.held = 0
	return nil
}

// needError is the error of a load that cannot fit the budget: "needs
// 206 GB for 4 294 967 295 triangles; the memory budget is 2048 MB
// (--cache-mb)". It wraps the Budget's error, and so ErrTooLarge.
type needError struct {
	need   int64
	more   bool // the load needs more than need, which is only what it knows of
	what   string
	budget *BudgetError
}

func (e *needError) Error() string {
	s := "needs "
	if e.more {
		s += "more than "
	}
	s += FormatBytes(e.need)
	if e.what != "" {
		s += " " + e.what
	}
	return s + "; " + e.budget.limitText()
}

func (e *needError) Unwrap() error { return e.budget }

// groupDigits formats n with a space between groups of three digits:
// "4 294 967 295".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ' ')
		}
		out = append(out, s[i])
	}
	return neg + string(out)
}

// trianglesText returns "for 4 294 967 295 triangles".
func trianglesText(n int) func() string {
	return func() string { return "for " + groupDigits(int64(n)) + " triangles" }
}
