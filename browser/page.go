package browser

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// pageScript is the test the page runs. It fetches every target at once,
// each first with mode "cors" (what a visual's license call is) and, when
// that fails quickly, with mode "no-cors": an opaque answer there means the
// network path works and only CORS hid the answer from the page. Nothing is
// sent anywhere but the targets and the result path; no credentials, no
// referrer (the token is in the page's URL).
const pageScript = `"use strict";
(function () {
  var cfg = JSON.parse(document.getElementById("cfg").textContent);
  var status = document.getElementById("status");
  var blocked = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    if (blocked.length < 20) blocked.push(String(e.blockedURI));
  });
  try { performance.setResourceTimingBufferSize(1000); } catch (e) {}

  function attempt(url, mode) {
    var ctl = new AbortController();
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; ctl.abort(); }, cfg.timeout_ms);
    var t0 = performance.now();
    return fetch(url, {mode: mode, method: "GET", credentials: "omit", cache: "no-store",
                       redirect: "follow", referrerPolicy: "no-referrer", signal: ctl.signal})
      .then(function (r) {
        return {mode: mode, ok: true, status: r.status, type: r.type, ms: performance.now() - t0};
      }, function (e) {
        return {mode: mode, ok: false, error: String(e && e.name) + ": " + String(e && e.message),
                timed_out: timedOut, ms: performance.now() - t0};
      })
      .finally(function () { clearTimeout(timer); });
  }

  function timing(url) {
    var all = performance.getEntriesByName(url, "resource");
    if (!all.length) return null;
    var e = all[all.length - 1];
    return {start: e.startTime, duration: e.duration, fetch_start: e.fetchStart,
            dns_start: e.domainLookupStart, dns_end: e.domainLookupEnd,
            connect_start: e.connectStart, connect_end: e.connectEnd, tls_start: e.secureConnectionStart,
            request_start: e.requestStart, response_start: e.responseStart, response_end: e.responseEnd,
            protocol: String(e.nextHopProtocol || ""), response_status: e.responseStatus || 0,
            transfer_size: e.transferSize || 0};
  }

  function probe(url) {
    return attempt(url, "cors").then(function (a) {
      if (a.ok || a.timed_out) return [a];
      return attempt(url, "no-cors").then(function (b) { return [a, b]; });
    }).then(function (attempts) {
      return {target: url, attempts: attempts, timing: timing(url)};
    });
  }

  status.textContent = "Testing " + cfg.targets.join(", ") + " ...";
  Promise.all(cfg.targets.map(probe)).then(function (results) {
    var body = JSON.stringify({user_agent: navigator.userAgent, results: results, blocked: blocked});
    return fetch(cfg.result_path, {method: "POST", headers: {"Content-Type": "application/json"}, body: body,
                                   credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"});
  }).then(function (r) {
    status.textContent = r.ok ? "Done. The result is in okviz-check; you can close this tab."
                              : "okviz-check did not accept the result (HTTP " + r.status + ").";
  }, function (e) {
    status.textContent = "Could not send the result to okviz-check: " + e;
  });
})();
`

// pageConfig is what the script reads from the page.
type pageConfig struct {
	Targets    []string `json:"targets"`
	TimeoutMS  int64    `json:"timeout_ms"`
	ResultPath string   `json:"result_path"`
}

// scriptHash is the CSP source that allows pageScript and nothing else.
func scriptHash() string {
	sum := sha256.Sum256([]byte(pageScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// renderPage builds the HTML of the test page. The configuration sits in
// a JSON data block, which is never executed; json.Marshal escapes <, >
// and &, so no target can close the block.
func renderPage(cfg pageConfig) ([]byte, error) {
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	b.WriteString("<title>okviz-check: browser test</title></head>\n<body>\n")
	b.WriteString("<h1>okviz-check browser test</h1>\n")
	b.WriteString("<p>okviz-check asks this browser to reach the services a Power BI visual needs, the way a visual does, and reads the outcome. Nothing else is sent anywhere.</p>\n")
	b.WriteString("<p id=\"status\">Starting ...</p>\n")
	b.WriteString("<script id=\"cfg\" type=\"application/json\">")
	b.Write(js)
	b.WriteString("</script>\n<script>")
	b.WriteString(pageScript)
	b.WriteString("</script>\n</body></html>\n")
	return []byte(b.String()), nil
}

// policy is the page's Content-Security-Policy: no resources but its own
// script (by hash), connections only to its own origin (the result) and
// the targets' origins, and nothing may frame it, submit forms or change
// its base URL.
func policy(self string, origins []string) string {
	connect := append([]string{self}, origins...)
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + scriptHash(),
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// Origin returns the CSP source expression of an https target URL:
// scheme, host and port (the path does not limit connect-src after a
// redirect anyway). CSP cannot name IPv6 addresses, so those are an error.
func Origin(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%s: not an http(s) URL", target)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return "", fmt.Errorf("%s: a Content-Security-Policy cannot name an IPv6 address; use a host name", target)
	}
	if host == "" || strings.ContainsAny(host, " ;,'*\"") {
		return "", fmt.Errorf("%s: no usable host", target)
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return u.Scheme + "://" + strings.ToLower(host) + ":" + port, nil
}
