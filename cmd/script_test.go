package cmd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/okviz/okviz-check/internal/certgen"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"okviz-check": func() {
			os.Exit(Main(context.Background(), os.Args[1:], System(), Build{Version: "0.0.0-test", Commit: "test", Date: "today"}))
		},
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script: flags,
// config and env precedence, exit status, JSON on stdout only.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// Keep the developer's own settings out of the scripts.
			for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy", "NO_COLOR", "WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS"} {
				env.Setenv(k, "")
			}
			// Scripts only ever probe loopback: no comparison resolvers.
			env.Setenv("OKVIZ_CHECK_DNS_COMPARE", "none")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"origin":    cmdOrigin,
			"plainhttp": cmdPlainHTTP,
			// exits N CMD ARGS... runs CMD and asserts its exact exit status.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits STATUS COMMAND [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad status %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}

// cmdOrigin starts a loopback HTTPS origin for the rest of the script:
//
//	origin NAME STATUS
//
// serves every request with STATUS, writes the CA that signed it to
// $WORK/NAME-ca.pem and sets $NAME to its https URL. A second form,
//
//	origin NAME closed
//
// sets $NAME to a loopback host:port where nothing listens.
func cmdOrigin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: origin NAME STATUS|closed")
	}
	name := args[0]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	if args[1] == "closed" {
		addr := ln.Addr().String()
		ts.Check(ln.Close())
		ts.Setenv(name, addr)
		return
	}
	status, err := strconv.Atoi(args[1])
	ts.Check(err)
	ca := certgen.Must(certgen.NewCA(name + " Test Root CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1", "localhost"}))
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), name+"-ca.pem"), ca.CertPEM(), 0o644))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprintln(w, "origin", name)
	})}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}})
	go srv.Serve(tl)
	ts.Defer(func() { srv.Close() })
	ts.Setenv(name, "https://"+ln.Addr().String()+"/")
}

// cmdPlainHTTP starts a loopback plain-HTTP server for the rest of the
// script that answers every request with STATUS, and sets $NAME to its
// http URL:
//
//	plainhttp NAME STATUS
func cmdPlainHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: plainhttp NAME STATUS")
	}
	status, err := strconv.Atoi(args[1])
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprintln(w, "function FindProxyForURL(url, host) { return \"DIRECT\"; }")
	})}
	go srv.Serve(ln)
	ts.Defer(func() { srv.Close() })
	ts.Setenv(args[0], "http://"+ln.Addr().String())
}
