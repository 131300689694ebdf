package main

import "syscall"

// childAttr makes a child process (stripe-mock) die with the benchmark,
// however the benchmark ends.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
