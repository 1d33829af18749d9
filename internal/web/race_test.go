//go:build race

package web

// raceEnabled: the race detector adds allocations of its own, so the
// allocation guards only run without it.
const raceEnabled = true
