//go:build race

package testkit

// RaceEnabled tells whether the race detector is on (it slows some tests
// enough that they check a sample instead).
const RaceEnabled = true
