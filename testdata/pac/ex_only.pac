// Only Internet Explorer and WinHTTP call FindProxyForURLEx.
function FindProxyForURLEx(url, host) {
  return "PROXY proxy.corp.example:8080";
}
