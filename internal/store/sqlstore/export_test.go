package sqlstore

// SetSearchMaxResults makes searches reach no further than n results
// until the returned function is called.
func SetSearchMaxResults(n int) (restore func()) {
	old := searchMaxResults
	searchMaxResults = n
	return func() { searchMaxResults = old }
}

// SetFewCandidates changes how many candidates of a tier are few until the
// returned function is called.
func SetFewCandidates(n int) (restore func()) {
	old := fewCandidates
	fewCandidates = n
	return func() { fewCandidates = old }
}
