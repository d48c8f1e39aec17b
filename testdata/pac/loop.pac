function FindProxyForURL(url, host) {
  var n = 0;
  while (true) {
    n++;
  }
  return "DIRECT";
}
