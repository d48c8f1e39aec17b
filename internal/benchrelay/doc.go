// Command benchrelay is the network plumbing of scripts/bench.sh, the
// benchmark that compares okviz-check with curl on a local path with a
// known delay. It is a test helper, not part of the product. Modes:
//
//	benchrelay gencert -dir DIR HOST...
//	    write a throwaway CA (ca.pem) and a server certificate for HOST...
//	    signed by it (server.pem, server-key.pem) to DIR.
//	benchrelay origin -listen ADDR -cert FILE -key FILE
//	    an HTTPS server answering every request with 200 "ok".
//	benchrelay relay -listen ADDR -to ADDR -delay D
//	    a TCP relay to ADDR that holds every chunk the client sends for D
//	    before forwarding it; the answers pass at once.
//	benchrelay delayline -client-dev NAME -server-dev NAME -delay D (Linux)
//	    a user-space link between two TUN devices: IP packets written by the
//	    client side reach the server side D later, answers pass at once.
//
// The delay line is the faithful model (every packet, the TCP handshake
// and DNS included, pays the delay, as on a WAN path); the relay delays only
// what flows over established connections, so connection set-up is free.
// Both exist because this machine's kernel lacks the netem qdisc.
//
// Every serving mode prints "ready ADDR" (or "ready") on stdout once it
// accepts traffic and runs until SIGINT or SIGTERM.
package main
