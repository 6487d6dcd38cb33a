//go:build !unix

package runner

// processAlive cannot tell on this system: a process is assumed alive.
func processAlive(int) bool { return true }
