// A corporate PAC file in the usual style (okviz-check test fixture).
// It makes no DNS lookups, so it evaluates the same on any machine.
var corpProxies = "PROXY proxy.corp.example:8080; PROXY proxy2.corp.example:8080; DIRECT";

function isIPv4Literal(host) {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function FindProxyForURL(url, host) {
  host = host.toLowerCase();
  if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example") || host == "corp.example") {
    return "DIRECT";
  }
  if (isIPv4Literal(host) && (isInNet(host, "10.0.0.0", "255.0.0.0") || isInNet(host, "198.18.0.0", "255.254.0.0"))) {
    return "DIRECT";
  }
  if (shExpMatch(host, "*.okviz.com") || host == "okviz.com") {
    return corpProxies;
  }
  if (isInNet(myIpAddress(), "198.18.0.0", "255.254.0.0")) {
    return "PROXY lab-proxy.corp.example:3128";
  }
  return "PROXY proxy.corp.example:8080";
}
