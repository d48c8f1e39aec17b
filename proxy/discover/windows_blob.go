package discover

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// Flags of a WinINET/WinHTTP connection settings blob.
const (
	ConnFlagDirect     = 0x01 // always set
	ConnFlagProxy      = 0x02 // "Use a proxy server"
	ConnFlagAutoConfig = 0x04 // "Use automatic configuration script"
	ConnFlagAutoDetect = 0x08 // "Automatically detect settings"
)

// maxBlobString bounds one string in a settings blob; real values are a few
// hundred bytes, and the bound keeps a corrupt length from allocating much.
const maxBlobString = 1 << 16

// ConnectionSettings is a decoded DefaultConnectionSettings,
// SavedLegacySettings or WinHttpSettings registry value: little-endian
// u32 version, u32 change counter, u32 flags, then length-prefixed ASCII
// proxy server, bypass list and (in newer versions) auto-config URL,
// followed by bytes whose meaning is not documented.
type ConnectionSettings struct {
	Version       uint32 `json:"version"`
	Counter       uint32 `json:"counter"`
	Flags         uint32 `json:"flags"`
	ProxyServer   string `json:"proxy_server,omitempty"`
	Bypass        string `json:"bypass,omitempty"`
	AutoConfigURL string `json:"auto_config_url,omitempty"`
	// HasAutoConfigURL is false for the old layout that ends after the
	// bypass list.
	HasAutoConfigURL bool `json:"-"`
}

// UseProxy, UseAutoConfig and AutoDetect read the flags; the strings are
// kept even when their flag is off, which is what the checkboxes do.
func (c ConnectionSettings) UseProxy() bool      { return c.Flags&ConnFlagProxy != 0 }
func (c ConnectionSettings) UseAutoConfig() bool { return c.Flags&ConnFlagAutoConfig != 0 }
func (c ConnectionSettings) AutoDetect() bool    { return c.Flags&ConnFlagAutoDetect != 0 }

// DecodeConnectionSettings decodes a connection settings blob. Known
// versions are 0x3C (IE6), 0x46 (IE7 and later) for WinINET and 0x18 or
// 0x28 for WinHTTP; other versions are decoded with the same layout, which
// has not changed across them. A truncated or inconsistent blob is an
// error.
func DecodeConnectionSettings(b []byte) (ConnectionSettings, error) {
	var c ConnectionSettings
	if len(b) < 12 {
		return c, fmt.Errorf("connection settings: %d bytes, need at least 12", len(b))
	}
	c.Version = binary.LittleEndian.Uint32(b[0:])
	c.Counter = binary.LittleEndian.Uint32(b[4:])
	c.Flags = binary.LittleEndian.Uint32(b[8:])
	rest := b[12:]
	var err error
	if c.ProxyServer, rest, err = blobString(rest, "proxy server"); err != nil {
		return c, err
	}
	if len(rest) == 0 {
		// Some WinHTTP blobs stop after the proxy string when it is empty.
		return c, nil
	}
	if c.Bypass, rest, err = blobString(rest, "bypass list"); err != nil {
		return c, err
	}
	if len(rest) >= 4 {
		c.HasAutoConfigURL = true
		if c.AutoConfigURL, _, err = blobString(rest, "auto-config URL"); err != nil {
			return c, err
		}
	}
	return c, nil
}

// blobString reads a u32 length and that many bytes of 8-bit text.
func blobString(b []byte, what string) (string, []byte, error) {
	if len(b) < 4 {
		return "", nil, fmt.Errorf("connection settings: truncated before the %s length", what)
	}
	n := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if n > maxBlobString || int(n) > len(b) {
		return "", nil, fmt.Errorf("connection settings: %s length %d exceeds the %d bytes left", what, n, len(b))
	}
	return latin1(b[:n]), b[n:], nil
}

// latin1 decodes the ANSI bytes of a blob string. Values are ASCII in
// practice; anything else is read as Latin-1 so no byte is lost or turned
// into invalid UTF-8. A trailing NUL, which some writers include, is cut.
func latin1(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	if utf8.Valid(b) && isASCII(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// String summarises the blob for notes: which checkboxes are on and what
// they name, credentials redacted.
func (c ConnectionSettings) String() string {
	var parts []string
	if c.AutoDetect() {
		parts = append(parts, "auto-detect on")
	}
	if c.UseAutoConfig() {
		parts = append(parts, fmt.Sprintf("PAC %q", redact.URL(c.AutoConfigURL)))
	}
	if c.UseProxy() {
		p := fmt.Sprintf("proxy %q", redact.URL(c.ProxyServer))
		if c.Bypass != "" {
			p += fmt.Sprintf(" bypass %q", c.Bypass)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "direct"
	}
	return strings.Join(parts, ", ")
}

// ParseProxyOverride splits a Windows ProxyOverride value (or the bypass
// string of a settings blob) into bypass rules the way Chromium does:
// separators are ";", ",", white space and line breaks; "<local>" stays as
// it is.
func ParseProxyOverride(s string) []string {
	return lists.Split(s, ";, \t\r\n")
}
