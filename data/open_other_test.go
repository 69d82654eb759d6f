//go:build !linux

package data_test

import "testing"

// runAsNobody needs Linux credentials for the child process.
func runAsNobody(t *testing.T, test string, env ...string) {
	t.Skip("running as root: a read-only file cannot be simulated here")
}
