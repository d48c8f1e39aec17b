package cmd

import "github.com/spf13/cobra"

// subcommands lists every subcommand of the root.
func subcommands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newCheckCmd(a),
		newDNSCmd(a),
		newTLSCmd(a),
		newReachCmd(a),
		newProxyCmd(a),
		newPacCmd(a),
		newRulesCmd(a),
		newBrowserCmd(a),
		newExplainCmd(a),
		newReportCmd(a),
		newBundleCmd(a),
		newWatchCmd(a),
		newVersionCmd(a),
	}
}
