//go:build !race

package fastlex

const raceEnabled = false
