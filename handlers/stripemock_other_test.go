//go:build !linux

package handlers

import "syscall"

// stripeMockAttr: without Linux's parent-death signal, stripe-mock is
// left to end with its process group.
func stripeMockAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
