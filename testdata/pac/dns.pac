// Routes by where the name resolves: the classic slow PAC pattern.
function FindProxyForURL(url, host) {
  alert("resolving " + host);
  if (!isResolvable(host)) {
    return "PROXY proxy.corp.example:8080";
  }
  if (isInNet(host, "198.18.0.0", "255.254.0.0")) {
    return "DIRECT";
  }
  return "PROXY proxy.corp.example:8080; DIRECT";
}
