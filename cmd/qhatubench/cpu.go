package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// cpuMeter reads the CPU time the benchmark's three processes have used:
// this one (the shop and its clients), the PostgreSQL backends serving
// the benchmark's schema (found by application_name, which benchSchema
// sets to the schema) and stripe-mock. On a machine shared with other
// work, CPU per request is steadier than requests per second.
type cpuMeter struct {
	db      *gorm.DB
	schema  string
	mockPID int
}

// cpuSample is what each process had used at one moment, and the whole
// machine's CPU time and the part of it the host gave to other guests
// (steal).
type cpuSample struct{ self, pg, mock, all, steal time.Duration }

func (m cpuMeter) sample(ctx context.Context) cpuSample {
	s := cpuSample{self: cpuTime()}
	s.all, s.steal = machineCPU()
	if m.mockPID > 0 {
		s.mock = procCPU(m.mockPID)
	}
	var pids []int
	if m.db != nil && m.db.WithContext(ctx).Raw(`SELECT pid FROM pg_stat_activity WHERE application_name = ?`,
		m.schema).Scan(&pids).Error == nil {
		for _, pid := range pids {
			s.pg += procCPU(pid)
		}
	}
	return s
}

// per formats the CPU used since before, per n operations.
func (s cpuSample) per(before cpuSample, n int) string {
	if n == 0 {
		return "-"
	}
	d := func(x time.Duration) string { return ms(x / time.Duration(n)) }
	out := fmt.Sprintf("%s in this process (shop and its clients), %s in PostgreSQL", d(s.self-before.self), d(s.pg-before.pg))
	if s.mock > 0 {
		out += fmt.Sprintf(", %s in stripe-mock", d(s.mock-before.mock))
	}
	// A virtual machine's host may run other guests on its cores: the
	// same code then does less per second, and this says how much less.
	if all := s.all - before.all; all > 0 {
		out += fmt.Sprintf("; steal %.0f%% of the machine's time", 100*float64(s.steal-before.steal)/float64(all))
	}
	return out
}

// machineCPU is the CPU time of every core (all the states of /proc/stat's
// first line) and the part of it stolen by the host; zero when unreadable.
func machineCPU() (all, steal time.Duration) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	var ticks int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i < 8 { // guest time (fields 9 and 10) is counted in user already
			ticks += n
		}
		if i == 7 {
			steal = time.Duration(n) * 10 * time.Millisecond
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond, steal
}

// procCPU is the user and system time process pid has used (Linux
// /proc/PID/stat, fields 14 and 15, in clock ticks of 1/100 s); zero when
// it cannot be read. A backend that ended between two samples is missed,
// so the pool keeps its connections for the whole run.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from its end.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
