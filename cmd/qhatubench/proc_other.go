//go:build !linux

package main

import "syscall"

// childAttr: elsewhere the benchmark stops stripe-mock itself on return.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
