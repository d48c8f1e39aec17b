function FindProxyForURL(url, host) {
  // Missing ';' between the entries.
  return "PROXY proxy.corp.example:8080 DIRECT";
}
