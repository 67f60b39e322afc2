package mesh

import (
	"strconv"
	"unsafe"
)

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat parses b as strconv.ParseFloat(string(b), 64) does and gives
// the same result for every input. Plain decimals such as "-1.5e+01" with
// at most 15 significant digits, the forms STL exporters write, take a fast
// path that is exact (Clinger's: a mantissa below 2^53 times or divided by
// an exact power of ten rounds once). Everything else, hex floats, "inf",
// "nan", long mantissas, goes to strconv without copying b.
func parseFloat(b []byte) (float64, bool) {
	if f, ok := parseDecimal(b); ok {
		return f, true
	}
	if len(b) == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		// A value out of range is still a number: ±Inf, later dropped.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// parseDecimal is parseFloat's fast path; ok is false where it cannot
// decide exactly, not only where b is not a number.
func parseDecimal(b []byte) (f float64, ok bool) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	digits := 0 // significant digits in mant
	exp := 0
	sawDigit := false
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		sawDigit = true
		if mant == 0 && b[i] == '0' {
			continue
		}
		mant = mant*10 + uint64(b[i]-'0')
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			sawDigit = true
			exp--
			if mant == 0 && b[i] == '0' {
				continue
			}
			mant = mant*10 + uint64(b[i]-'0')
			digits++
		}
	}
	if !sawDigit || digits > 15 {
		return 0, false
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		e := 0
		start := i
		for ; i < len(b) && b[i]-'0' <= 9 && i-start < 5; i++ {
			e = e*10 + int(b[i]-'0')
		}
		if i == start {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(b) {
		return 0, false
	}
	f = float64(mant)
	switch {
	case mant == 0:
	case exp < 0 && exp >= -22:
		f /= pow10[-exp]
	case exp >= 0 && exp <= 22:
		f *= pow10[exp]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}
