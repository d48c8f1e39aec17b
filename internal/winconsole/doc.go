// Package winconsole asks Windows how many processes share this process's
// console, which tells a double-click from Explorer (a console of its own)
// from a run in cmd.exe or PowerShell. Elsewhere the answer is 0.
package winconsole
