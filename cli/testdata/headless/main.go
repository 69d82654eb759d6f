// Command headless is comptoir's main without the window: only the headless
// commands. The start-up benchmark builds it to tell how much of the real
// binary's start-up is spent initialising the GUI packages.
package main

import (
	"os"

	"comptoir/cli"
)

func main() {
	cmd, ok := cli.Command(os.Args[1:])
	if !ok {
		cmd = "help"
	}
	os.Exit(cli.Run(cmd, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
