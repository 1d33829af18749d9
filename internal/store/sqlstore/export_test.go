package sqlstore

// SetSearchMaxResults makes searches reach no further than n results
// until the returned function is called.
func SetSearchMaxResults(n int) (restore func()) {
	old := searchMaxResults
	searchMaxResults = n
	return func() { searchMaxResults = old }
}

// SetFewCandidates makes a title or tag tier with fewer than n candidates
// one of few (SearchSQL.Few), on every backend, until the returned
// function is called.
func SetFewCandidates(n int) (restore func()) {
	old := fewOverride
	fewOverride = n
	return func() { fewOverride = old }
}

// SetCommonAt makes terms that match at least n posts common until the
// returned function is called.
func SetCommonAt(n int) (restore func()) {
	old := commonAt
	commonAt = n
	return func() { commonAt = old }
}
