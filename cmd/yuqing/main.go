// Command yuqing is the public-opinion monitoring server and its
// command-line client. See `yuqing --help`.
package main

import (
	"os"
)

func main() { os.Exit(run(os.Args[1:])) }

// run executes the command line and returns the process exit code:
// 0 success, 1 the command ran but reported failures (e.g. rejected
// records), 2 usage or runtime errors.
func run(args []string) int {
	root := newRoot()
	root.SetArgs(args)
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
