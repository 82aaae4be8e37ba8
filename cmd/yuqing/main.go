// Command yuqing is the public-opinion monitoring server and its
// command-line client. See `yuqing --help`.
package main

import (
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:])) }

// run executes the command line on the process's standard streams and
// returns the exit code: 0 success, 1 the command ran but reported
// failures (e.g. rejected records), 2 usage or runtime errors.
func run(args []string) int { return runWith(args, os.Stdin, os.Stdout, os.Stderr) }

// runWith is run with explicit streams, for tests.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		if ec, ok := err.(exitCode); ok {
			return int(ec)
		}
		root.PrintErrln("error:", err)
		return 2
	}
	return 0
}

// exitCode is returned by commands that already printed their report and
// only need a non-zero status.
type exitCode int

func (e exitCode) Error() string { return "exit status" }
