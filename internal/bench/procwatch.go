package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is the unit of utime and stime in /proc/<pid>/stat. Linux fixes USER_HZ at 100
// on every architecture Terraform ships for.
const clockTicks = 100

// maxAncestry bounds the walk from a process up to the watched root.
const maxAncestry = 16

// procUsage is what was seen of a set of processes: the largest peak resident set (VmHWM) of
// any one of them, how many there were, and their CPU time as last read.
type procUsage struct {
	PeakRSSBytes int64
	Processes    int
	CPU          time.Duration
}

// procWatch samples, at a fixed interval, the processes below one root process whose program
// name starts with a prefix, and the root itself. It reads /proc only.
type procWatch struct {
	root     int
	prefix   string
	interval time.Duration

	mu      sync.Mutex
	ppid    map[int]int
	matched map[int]bool
	peak    map[int]int64
	cpu     map[int]time.Duration
	rootHWM int64

	stop chan struct{}
	done chan struct{}
}

// watchProcesses starts sampling below root until the returned watch is stopped.
func watchProcesses(root int, prefix string, interval time.Duration) *procWatch {
	w := &procWatch{
		root:     root,
		prefix:   prefix,
		interval: interval,
		ppid:     map[int]int{},
		matched:  map[int]bool{},
		peak:     map[int]int64{},
		cpu:      map[int]time.Duration{},
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go w.loop()
	return w
}

func (w *procWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	w.sample()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.sample()
		}
	}
}

// Stop ends the sampling and returns what was seen of the matching processes and of the root.
func (w *procWatch) Stop() (matched procUsage, rootPeakRSS int64) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for pid := range w.matched {
		matched.Processes++
		matched.PeakRSSBytes = max(matched.PeakRSSBytes, w.peak[pid])
		matched.CPU += w.cpu[pid]
	}
	return matched, w.rootHWM
}

// sample lists /proc once, learns the parent of every process it has not seen, and reads the
// memory and CPU counters of the root and of every matching descendant.
func (w *procWatch) sample() {
	names, err := readDirNames("/proc")
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()

	alive := make(map[int]bool, len(names))
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		alive[pid] = true
		if _, ok := w.ppid[pid]; !ok {
			if st, ok := readStat(pid); ok {
				w.ppid[pid] = st.ppid
			}
		}
	}
	for pid := range w.ppid {
		if !alive[pid] {
			delete(w.ppid, pid)
		}
	}

	if hwm, ok := readHWM(w.root); ok {
		w.rootHWM = max(w.rootHWM, hwm)
	}
	for pid := range alive {
		if pid == w.root || !w.below(pid) {
			continue
		}
		// A child shows its parent's command line until it has called exec, so a process is
		// checked again on every sample until it matches.
		if !w.matched[pid] {
			if !strings.HasPrefix(filepath.Base(readArg0(pid)), w.prefix) {
				continue
			}
			w.matched[pid] = true
		}
		if hwm, ok := readHWM(pid); ok {
			w.peak[pid] = max(w.peak[pid], hwm)
		}
		if st, ok := readStat(pid); ok {
			w.cpu[pid] = max(w.cpu[pid], st.cpu)
		}
	}
}

// below reports whether pid descends from the root, as far as the known parents tell.
func (w *procWatch) below(pid int) bool {
	for range maxAncestry {
		parent, ok := w.ppid[pid]
		if !ok || parent <= 1 {
			return false
		}
		if parent == w.root {
			return true
		}
		pid = parent
	}
	return false
}

func readDirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

type procStat struct {
	ppid int
	cpu  time.Duration
}

// readStat reads the parent and the user plus system CPU time from /proc/<pid>/stat.
func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// The command name, in parentheses, may hold spaces; the fields after it do not.
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return procStat{}, false
	}
	fields := strings.Fields(string(b[end+1:]))
	// After the name: state(0) ppid(1) ... utime(11) stime(12).
	if len(fields) < 13 {
		return procStat{}, false
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return procStat{}, false
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	cpu := time.Duration(utime+stime) * time.Second / clockTicks
	return procStat{ppid: ppid, cpu: cpu}, true
}

// readHWM reads the peak resident set size, VmHWM, of a process in bytes.
func readHWM(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// readArg0 returns the program a process was started as, or "" when it cannot be read.
func readArg0(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	arg0, _, _ := bytes.Cut(b, []byte{0})
	return string(arg0)
}
