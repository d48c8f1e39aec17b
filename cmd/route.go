package cmd

import (
	"context"

	"github.com/okviz/okviz-check/diag"
)

// router decides the route of each target from the proxy options and the
// machine's proxy settings.
func (a *app) router(ctx context.Context, o *checkOptions, p *diag.Prober) (func(context.Context, diag.Target) diag.Route, error) {
	return nil, nil
}
