package lod

// sortedTri returns t's cells in ascending order: the key under which the
// faces (a, b, c) and (b, a, c) are one, so that the two sides of a thin
// wall that clustering folds together are kept once.
func sortedTri(t tri) tri {
	if t[0] > t[1] {
		t[0], t[1] = t[1], t[0]
	}
	if t[1] > t[2] {
		t[1], t[2] = t[2], t[1]
	}
	if t[0] > t[1] {
		t[0], t[1] = t[1], t[0]
	}
	return t
}
