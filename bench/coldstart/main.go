// Command coldstart measures the time from starting a server to its first
// complete 200 answer of a path, several times, and prints the median.
//
//	coldstart [-runs 7] [-path /] -- octavo serve --data DIR --no-seed
//
// It adds --addr 127.0.0.1:PORT (a free port) to the command, polls the
// path every 0.5 ms from the moment the process is started, and stops the
// server with SIGTERM after each run.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 7, "how many starts")
	path := flag.String("path", "/", "path whose first answer is timed")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: coldstart [-runs N] [-path /] -- COMMAND ARGS…")
		os.Exit(2)
	}
	var times []time.Duration
	for i := range *runs {
		d, err := once(flag.Args(), *path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "coldstart:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "run %d: %.1f ms\n", i+1, float64(d.Microseconds())/1000)
		times = append(times, d)
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("first 200 of %s after start: median %.1f ms, min %.1f ms, max %.1f ms (%d runs)\n",
		*path, ms(times[len(times)/2]), ms(times[0]), ms(times[len(times)-1]), len(times))
}

func once(args []string, path string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(args[0], append(args[1:], "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	for time.Since(start) < 30*time.Second {
		res, err := client.Get("http://" + addr + path)
		if err != nil {
			time.Sleep(500 * time.Microsecond)
			continue
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode == http.StatusOK {
			return time.Since(start), nil
		}
		return 0, fmt.Errorf("GET %s: status %d, %v", path, res.StatusCode, err)
	}
	return 0, fmt.Errorf("no answer within 30 s")
}
