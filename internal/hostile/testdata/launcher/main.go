//go:build unix

// Command launcher runs a program and reports how it ended, for the
// hostile suite's measurements (see rusage_unix_test.go there):
//
//	launcher PROGRAM [ARG...]
//
// It runs PROGRAM with the standard streams, environment and working
// folder it was given, waits for it, and writes "CODE MAXRSS [SIGNAL]" to
// descriptor 3: the exit code (-1 if a signal ended it), ru_maxrss from
// the program's rusage, and the signal. It exits 0 once it has reported,
// and 1 (saying why on standard error) if it could not run PROGRAM.
//
// It exists because a child's ru_maxrss starts at the peak size of the
// process it was started from: this small program starts stlview, so
// that the figure is stlview's own.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "launcher: no program to run")
		return 1
	}
	report := os.NewFile(3, "report")
	syscall.CloseOnExec(3) // the program must not hold the report open
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	ps := cmd.ProcessState
	if ps == nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 1
	}
	var maxrss int64 = -1
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		maxrss = int64(ru.Maxrss)
	}
	sig := ""
	if !ps.Exited() {
		sig = ps.String()
	}
	if _, err := fmt.Fprintf(report, "%d %d %s", ps.ExitCode(), maxrss, sig); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 1
	}
	return 0
}
