// Package cmd is the command line of okviz-check: the only home of cobra and
// viper. Each subcommand parses its flags into an options struct and hands
// it to a run function that holds no cobra; the outside world (streams,
// environment, terminal facts, clock) comes in through Env.
package cmd
