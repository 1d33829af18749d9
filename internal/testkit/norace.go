//go:build !race

package testkit

// RaceEnabled tells whether the race detector is on.
const RaceEnabled = false
