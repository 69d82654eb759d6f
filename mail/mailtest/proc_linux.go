package mailtest

import (
	"os/exec"
	"syscall"
)

// detach puts the server in its own process group, so stop can end the
// master and all its children together, and has the kernel kill the master
// if the test binary dies first.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills every process left in the server's process group.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
