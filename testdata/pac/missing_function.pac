// The entry point is misspelled: browsers find no FindProxyForURL.
function FindProxyForUrl(url, host) {
  return "DIRECT";
}
