// Package discover reads every place a proxy can be configured and reports
// each one, with what it said, as a Source: okviz-check's own flags and
// configuration, the proxy environment variables (HTTPS_PROXY, NO_PROXY,
// ... in the dialects of the common clients), browser policies, the
// Windows settings (WinINET registry values and their binary blob,
// WinHTTP), macOS (scutil), GNOME (gsettings) and KDE (kioslaverc), and
// WPAD (DHCP option 252 where the OS offers it, then the DNS names
// wpad.<domain>).
//
// Discover does the reading. Everything it touches comes through a System
// value (NewOSSystem for the running machine), so the parsers are tested
// on every OS from recorded inputs. Each Source carries its redacted
// settings for the report and, through Source.Settings, the unredacted
// ones the route decision needs.
package discover
