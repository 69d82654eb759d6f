package data_test

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used. Benchmarks lock
// their goroutine to its thread and report it beside wall time: on a machine
// shared with other work, wall time includes waiting for a core, CPU time
// does not.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
