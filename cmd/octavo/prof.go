//go:build prof

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// With -tags prof, OCTAVO_CPUPROFILE and OCTAVO_MEMPROFILE name files for
// CPU and allocation profiles of the whole run.
func init() {
	if p := os.Getenv("OCTAVO_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			pprof.StartCPUProfile(f)
			stopProfiles = append(stopProfiles, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if p := os.Getenv("OCTAVO_TRACE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			trace.Start(f)
			stopProfiles = append(stopProfiles, func() { trace.Stop(); f.Close() })
		}
	}
	if p := os.Getenv("OCTAVO_MEMPROFILE"); p != "" {
		runtime.MemProfileRate = 64 * 1024
		stopProfiles = append(stopProfiles, func() {
			if f, err := os.Create(p); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		})
	}
}
