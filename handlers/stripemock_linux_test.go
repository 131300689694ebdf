package handlers

import "syscall"

// stripeMockAttr kills stripe-mock when the test binary's thread that
// started it dies, so no mock outlives its tests (the thread never exits
// before the process: see startStripeMock).
func stripeMockAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
