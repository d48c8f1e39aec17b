function FindProxyForURL(url, host) {
  if (isPlainHostName(host) {
    return "DIRECT";
  }
  return "PROXY proxy.corp.example:8080";
}
