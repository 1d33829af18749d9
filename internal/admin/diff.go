package admin

// diffLine is one line of a line diff: Op is " " (in both), "-" (only
// in the old text) or "+" (only in the new one).
type diffLine struct {
	Op   string
	Text string
}

// maxDiffCells bounds the table of the longest common subsequence: two
// texts of 2,000 changed lines each. Beyond it the changed middle shows
// as removed, then added.
const maxDiffCells = 4_000_000

// lineDiff returns the lines of a and b in order, each marked as kept,
// removed or added: the common prefix and suffix are kept as they are,
// and the middle is the classic longest-common-subsequence table (a
// post's revisions differ in a few lines, so the middle is small).
func lineDiff(a, b []string) []diffLine {
	var out []diffLine
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out = append(out, diffLine{" ", a[pre]})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma)*len(mb) > maxDiffCells {
		for _, l := range ma {
			out = append(out, diffLine{"-", l})
		}
		for _, l := range mb {
			out = append(out, diffLine{"+", l})
		}
	} else {
		// lcs[i][j] is the length of the longest common subsequence of
		// ma[i:] and mb[j:].
		lcs := make([][]int, len(ma)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(mb)+1)
		}
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) || j < len(mb) {
			switch {
			case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
				out = append(out, diffLine{" ", ma[i]})
				i++
				j++
			case i < len(ma) && (j == len(mb) || lcs[i+1][j] >= lcs[i][j+1]):
				out = append(out, diffLine{"-", ma[i]})
				i++
			default:
				out = append(out, diffLine{"+", mb[j]})
				j++
			}
		}
	}
	for _, l := range a[len(a)-suf:] {
		out = append(out, diffLine{" ", l})
	}
	return out
}
