function FindProxyForURL(url, host) {
  if (isPlainHostName(host))
    return "DIRECT";
  return proxyFor[host].toString();
}
