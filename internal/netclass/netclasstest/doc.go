// Package netclasstest gives tests the error numbers this OS's sockets
// return for each kind of failure netclass names, so a test that fakes a
// refused or firewalled connection fakes what the OS would really say:
// Unix errnos on Unix, Winsock numbers on Windows (where syscall's
// ECONNREFUSED and friends are invented values no socket returns).
package netclasstest
