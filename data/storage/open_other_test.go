//go:build !linux

package storage_test

import "testing"

// runAsNobody needs Linux credentials for the child process.
func runAsNobody(t *testing.T, test string, env ...string) {
	t.Skip("not Linux: the child process cannot be started as another user here")
}
