// Command watchrebuild measures `octavo build --watch`: the time from a
// post's file being written to its page in the output having changed.
//
//	watchrebuild [-runs 15] [-post posts/post-00050.md] -out DIR -- octavo build --content SITE --out DIR --watch
//
// It starts the command (without --quiet: its "Built …" and "Rebuilt …"
// lines are read), waits for its first build, then, -runs times, appends a
// line with a fresh marker to the post's file and polls the post's page in
// the output every 0.2 ms until the marker is there. Between runs it waits
// for the "Rebuilt …" line, and a further -pause. It prints each run, the
// median and the range, and the command's own "Rebuilt … in …" times
// (from the change seen to the files written: the watcher's quiet time
// before it is not in them). On Linux it also prints the command's CPU
// time (user + system, from /proc) per edit, from after the first build
// to a -pause after the last rebuild (background work such as the
// manifest included). The post's file is given back its bytes at the
// end.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 15, "how many edits")
	post := flag.String("post", "posts/post-00050.md", "the post edited, relative to the content folder")
	content := flag.String("content", "", "the content folder (default: the command's --content)")
	out := flag.String("out", "", "the output folder (default: the command's --out)")
	page := flag.String("page", "", "the post's page in the output (default: posts/NAME/index.html)")
	pause := flag.Duration("pause", 300*time.Millisecond, "wait between edits, after the rebuild")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: watchrebuild [-runs N] [-post REL] -- octavo build --content SITE --out DIR --watch")
		os.Exit(2)
	}
	if *content == "" {
		*content = flagOf(args, "--content")
	}
	if *out == "" {
		*out = flagOf(args, "--out")
	}
	if *content == "" || *out == "" {
		fail(fmt.Errorf("give the command --content and --out (or -content and -out)"))
	}
	if fi, err := os.Stat(filepath.Join(*content, "content")); err == nil && fi.IsDir() {
		*content = filepath.Join(*content, "content") // a Hugo site's root
	}
	if *page == "" {
		name := strings.TrimSuffix(filepath.Base(*post), filepath.Ext(*post))
		*page = filepath.Join(filepath.Dir(*post), name, "index.html")
	}
	src := filepath.Join(*content, *post)
	dst := filepath.Join(*out, *page)
	orig, err := os.ReadFile(src)
	if err != nil {
		fail(err)
	}
	restore = func() { os.WriteFile(src, orig, 0o644) }
	defer restore()

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	first := time.Now()
	if l, err := waitLine(lines, "Built ", 10*time.Minute); err != nil {
		fail(err)
	} else {
		fmt.Fprintf(os.Stderr, "first build (%.1f s): %s\n", time.Since(first).Seconds(), l)
	}

	cpu0, cpuOK := procCPU(cmd.Process.Pid)
	var times, own []time.Duration
	took := regexp.MustCompile(` in ([0-9.]+[µm]?s):`)
	body := orig
	for i := range *runs {
		time.Sleep(*pause)
		marker := fmt.Sprintf("watchrebuild-edit-%d-%d", os.Getpid(), i)
		body = append(bytes.TrimRight(body, "\n"), []byte("\n\nEdited: "+marker+".\n")...)
		start := time.Now()
		if err := os.WriteFile(src, body, 0o644); err != nil {
			fail(err)
		}
		for {
			if b, err := os.ReadFile(dst); err == nil && bytes.Contains(b, []byte(marker)) {
				break
			}
			if time.Since(start) > time.Minute {
				fail(fmt.Errorf("run %d: %s did not change within a minute", i+1, dst))
			}
			time.Sleep(200 * time.Microsecond)
		}
		d := time.Since(start)
		times = append(times, d)
		l, err := waitLine(lines, "Rebuilt ", time.Minute)
		if err != nil {
			fail(err)
		}
		var o time.Duration
		if m := took.FindStringSubmatch(l); m != nil {
			o, _ = time.ParseDuration(m[1])
			own = append(own, o)
		}
		fmt.Fprintf(os.Stderr, "run %2d: %6.1f ms to the page (rebuild %6.1f ms): %s\n", i+1, ms(d), ms(o), l)
	}
	time.Sleep(*pause)
	cpu1, cpuOK1 := procCPU(cmd.Process.Pid)
	fmt.Printf("edit → page changed: median %.1f ms (%.1f–%.1f) over %d runs\n", ms(median(times)), ms(slices.Min(times)), ms(slices.Max(times)), len(times))
	if len(own) > 0 {
		fmt.Printf("rebuild (octavo's own time, change seen → files written): median %.1f ms (%.1f–%.1f)\n", ms(median(own)), ms(slices.Min(own)), ms(slices.Max(own)))
	}
	if cpuOK && cpuOK1 && *runs > 0 {
		fmt.Printf("CPU time (user + system) per edit: %.1f ms\n", ms((cpu1-cpu0)/time.Duration(*runs)))
	}
}

// waitLine returns the next line of the command's output that starts with
// prefix; other lines are printed.
func waitLine(lines <-chan string, prefix string, limit time.Duration) (string, error) {
	deadline := time.After(limit)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return "", fmt.Errorf("the command ended before printing %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l, nil
			}
			fmt.Fprintln(os.Stderr, l)
		case <-deadline:
			return "", fmt.Errorf("no %q line within %s", prefix, limit)
		}
	}
}

// flagOf returns the value of a flag in args ("--out DIR" or "--out=DIR").
func flagOf(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procCPU returns a process's CPU time so far (user + system), from
// /proc (Linux).
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The fields after the command's name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	// Clock ticks: 100 a second on Linux (USER_HZ).
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// restore gives the edited post its bytes back.
var restore = func() {}

func fail(err error) {
	restore()
	fmt.Fprintln(os.Stderr, "watchrebuild:", err)
	os.Exit(1)
}
