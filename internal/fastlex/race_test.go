//go:build race

package fastlex

// raceEnabled: the race detector slows lexing ten times; the token test
// then checks a sample of the lexers.
const raceEnabled = true
