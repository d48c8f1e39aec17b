package tunnel

// spn is the service principal name of an HTTP proxy for Negotiate:
// HTTP/<host as configured>, as Chromium builds it by default (no CNAME
// canonicalisation, no port).
func spn(proxyHost string) string { return "HTTP/" + proxyHost }
