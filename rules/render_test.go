package rules

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// fixedDate keeps golden files stable.
var fixedDate = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// docAddrs answers lookups with documentation addresses (RFC 5737 / 3849).
var docAddrs = map[string][]netip.Addr{
	"api.okviz.com":     {netip.MustParseAddr("203.0.113.11"), netip.MustParseAddr("2001:db8::10"), netip.MustParseAddr("203.0.113.10")},
	"login.example.net": {netip.MustParseAddr("198.51.100.20")},
	"ocsp.example.com":  {netip.MustParseAddr("192.0.2.80"), netip.MustParseAddr("2001:db8::80")},
	"crl.example.com":   {netip.MustParseAddr("192.0.2.81")},
}

func fakeLookup(_ context.Context, host string) ([]netip.Addr, error) {
	if as, ok := docAddrs[host]; ok {
		return as, nil
	}
	return nil, errors.New("no such host")
}

func mustTarget(t testing.TB, s string) diag.Target {
	t.Helper()
	tg, err := diag.ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// fixtures are the rule sets every format is rendered for: the default
// single target, unresolved; several targets (a custom port, an IPv4 and an
// IPv6 literal, revocation hosts as --revocation adds them), resolved as
// --resolve does; and the same several targets unresolved.
func fixtures(t testing.TB) map[string]Set {
	t.Helper()
	one := Set{Version: "1.2.0", Date: fixedDate,
		Rules: []Rule{TargetRule(mustTarget(t, diag.DefaultTarget))}}
	several := Set{Version: "1.2.0", Date: fixedDate}
	for _, s := range []string{"https://api.okviz.com/", "login.example.net:8443", "198.51.100.7", "[2001:db8::7]:443"} {
		several.Rules = append(several.Rules, TargetRule(mustTarget(t, s)))
	}
	rev, errs := RevocationRules([]string{"http://ocsp.example.com", "http://crl.example.com/ca.crl", "http://ocsp.example.com/again"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	several.Rules = Dedup(append(several.Rules, rev...))
	// The same targets with revocation hosts, not resolved.
	unresolved := several
	unresolved.Rules = append([]Rule(nil), several.Rules...)
	if err := Resolve(context.Background(), &several, fakeLookup); err != nil {
		t.Fatal(err)
	}
	return map[string]Set{"one": one, "several": several, "unresolved": unresolved}
}

func render(t testing.TB, format string, s Set) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := Render(&b, format, s); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.String()
}

// TestGolden renders every --list format for one and for several targets
// and compares with testdata/<format>-<fixture>.golden; UPDATE_GOLDEN=1
// rewrites the files.
func TestGolden(t *testing.T) {
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	for _, f := range Formats() {
		for name, set := range fixtures(t) {
			t.Run(f.Name+"/"+name, func(t *testing.T) {
				got := render(t, f.Name, set)
				path := filepath.Join("testdata", f.Name+"-"+name+".golden")
				if update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
				}
				if got != string(want) {
					t.Errorf("output differs from %s (UPDATE_GOLDEN=1 rewrites it)\n--- got ---\n%s", path, got)
				}
			})
		}
	}
}

// TestEveryFormatNamesEveryHost checks, beyond the golden snapshots, that
// each format mentions every host and starts with the version and date
// (CSV, which has no comments, says them on stderr).
func TestEveryFormatNamesEveryHost(t *testing.T) {
	for _, f := range Formats() {
		for name, set := range fixtures(t) {
			var b bytes.Buffer
			res, err := Render(&b, f.Name, set)
			if err != nil {
				t.Fatalf("%s/%s: %v", f.Name, name, err)
			}
			out := b.String()
			for _, r := range set.Rules {
				if !strings.Contains(out, r.Host) {
					t.Errorf("%s/%s: host %s missing", f.Name, name, r.Host)
				}
			}
			head := out
			if len(head) > 600 {
				head = head[:600]
			}
			if f.Name == "csv" {
				head = strings.Join(res.Notes, "\n")
			}
			if !strings.Contains(head, "1.2.0") || !strings.Contains(head, "2026-11-28T10:00:00Z") {
				t.Errorf("%s/%s: header lacks version or date:\n%s", f.Name, name, head)
			}
			if set.Resolved && f.Name != "json" && f.Name != "text" && !strings.Contains(out+head, "addresses change") {
				t.Errorf("%s/%s: resolved output lacks the changing-addresses warning", f.Name, name)
			}
		}
	}
}

func TestListAndLookup(t *testing.T) {
	want := []string{"text", "csv", "json", "iptables", "nftables", "windows", "pfsense", "opnsense",
		"paloalto", "fortigate", "cisco-asa", "checkpoint", "sophos", "juniper-srx", "mikrotik", "squid",
		"zscaler", "netskope", "proxysg", "azure-firewall", "aws-network-firewall", "gcp", "cilium", "pac",
		"proxy-bypass", "intune-proxy-bypass", "pihole", "adguard-home", "rpz", "unbound", "umbrella", "infoblox",
		"firewalld", "panorama", "cisco-ftd", "meraki", "sonicwall", "watchguard", "terraform-azurerm",
		"terraform-aws", "terraform-google", "cloudflare-gateway", "openshift-egressfirewall", "calico", "istio"}
	if got := FormatNames(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("formats = %v, want %v", got, want)
	}
	var b bytes.Buffer
	if err := WriteList(&b); err != nil {
		t.Fatal(err)
	}
	// Headings per kind, each followed by its formats, every format once.
	seen := map[string]Kind{}
	var kind Kind
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		switch {
		case l == "":
		case !strings.HasPrefix(l, " "):
			kind = Kind(strings.TrimSuffix(l, ":"))
		default:
			f := strings.Fields(l)
			if _, dup := seen[f[0]]; dup || len(f) < 2 {
				t.Errorf("--list line %q", l)
			}
			seen[f[0]] = kind
		}
	}
	for _, f := range Formats() {
		if seen[f.Name] != f.Kind || f.Kind == "" {
			t.Errorf("%s: listed under %q, kind %q", f.Name, seen[f.Name], f.Kind)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("--list shows %d formats, want %d", len(seen), len(want))
	}
	for _, f := range Formats() {
		if f.Summary == "" {
			t.Errorf("%s: no summary", f.Name)
		}
		if f.Name != "text" && f.Name != "csv" && f.Name != "json" && !strings.HasPrefix(f.DocURL, "https://") {
			t.Errorf("%s: no vendor docs page", f.Name)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	good := fixtures(t)["one"]
	var b bytes.Buffer
	var ufe UnknownFormatError
	if _, err := Render(&b, "palo-alto", good); !errors.As(err, &ufe) || !strings.Contains(err.Error(), "paloalto") {
		t.Errorf("unknown format: err = %v, want an UnknownFormatError listing the formats", err)
	}
	bad := []struct {
		name string
		edit func(*Set)
	}{
		{"no rules", func(s *Set) { s.Rules = nil }},
		{"port 0", func(s *Set) { s.Rules[0].Port = 0 }},
		{"udp", func(s *Set) { s.Rules[0].Protocol = "udp" }},
		{"purpose", func(s *Set) { s.Rules[0].Purpose = "other" }},
		{"host with quote", func(s *Set) { s.Rules[0].Host = `a".example.com` }},
		{"host with space", func(s *Set) { s.Rules[0].Host = "a b" }},
		{"comment with quote", func(s *Set) { s.Rules[0].Comment = `x" -j DROP "` }},
		{"comment with newline", func(s *Set) { s.Rules[0].Comment = "x\nCOMMIT" }},
		{"comment too long", func(s *Set) { s.Rules[0].Comment = strings.Repeat("x", CommentMax+1) }},
	}
	for _, tc := range bad {
		s := good
		s.Rules = append([]Rule(nil), good.Rules...)
		tc.edit(&s)
		b.Reset()
		if _, err := Render(&b, "iptables", s); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote output despite the error", tc.name)
		}
	}
}

// TestReadmeTable keeps the format tables of rules/README.md and of the
// project's README in step with Formats().
func TestReadmeTable(t *testing.T) {
	for _, path := range []string{"README.md", "../README.md"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Formats() {
			doc := "—"
			if f.DocURL != "" {
				doc = f.DocURL
			}
			if row := "| `" + f.Name + "` | " + f.Summary + " | " + doc + " |"; !strings.Contains(string(b), row) {
				t.Errorf("%s lacks the row\n%s", path, row)
			}
		}
	}
}

// TestRenderResult: CSV starts with its header row and says its provenance
// beside the file; iptables and nftables say, beside the file, that a file
// without any address allows nothing yet, and only then; no other format
// has anything to say on stderr.
func TestRenderResult(t *testing.T) {
	fx := fixtures(t)
	for _, f := range Formats() {
		for name, s := range fx {
			var b bytes.Buffer
			res, err := Render(&b, f.Name, s)
			if err != nil {
				t.Fatalf("%s/%s: %v", f.Name, name, err)
			}
			empty := (f.Name == "iptables" || f.Name == "nftables") && name == "one"
			if res.NothingToApply != empty {
				t.Errorf("%s/%s: NothingToApply = %v, want %v", f.Name, name, res.NothingToApply, empty)
			}
			switch {
			case f.Name == "csv":
				if first, _, _ := strings.Cut(b.String(), "\n"); first != "host,port,protocol,purpose,comment,fqdn,ipv4,ipv6" {
					t.Errorf("csv/%s starts with %q, not its header row", name, first)
				}
				if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "whitelist rules as CSV") || !strings.Contains(strings.Join(res.Notes, "\n"), "Generated 2026-11-28T10:00:00Z") {
					t.Errorf("csv/%s: provenance not on stderr: %q", name, res.Notes)
				}
			case empty:
				if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "allows nothing yet") || !strings.Contains(res.Notes[0], "--resolve") {
					t.Errorf("%s/%s: notes %q do not say why the file is empty", f.Name, name, res.Notes)
				}
			default:
				if len(res.Notes) > 0 {
					t.Errorf("%s/%s: unexpected notes %q", f.Name, name, res.Notes)
				}
			}
		}
	}
}
