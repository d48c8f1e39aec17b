package rules

import (
	"context"
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/certgen"
)

func TestRevocationRules(t *testing.T) {
	rs, errs := RevocationRules([]string{
		"http://ocsp.example.com",
		"http://CRL.Example.com:8080/ca.crl",
		"https://aia.example.com/ca.crt",
		"ldap://ldap.example.com/cn=x",
		"http://bad_host!.example.com/",
		"http://ocsp.example.com:99999/",
		"http://evil.example.com\"; rm -rf /",
		"not a url at all\x00",
	})
	want := []struct {
		host string
		port int
	}{{"ocsp.example.com", 80}, {"crl.example.com", 8080}, {"aia.example.com", 443}}
	if len(rs) != len(want) {
		t.Fatalf("rules = %+v", rs)
	}
	for i, w := range want {
		if rs[i].Host != w.host || rs[i].Port != w.port || rs[i].Purpose != PurposeRevocation || rs[i].Protocol != "tcp" {
			t.Errorf("rule %d = %+v, want %s:%d", i, rs[i], w.host, w.port)
		}
	}
	if len(errs) != 5 {
		t.Errorf("errors = %v, want 5", errs)
	}
}

// TestRevocationFromCertificates runs the path --revocation takes: a chain
// with OCSP, CRL and AIA URLs, diag.RevocationURLs, then the rules.
func TestRevocationFromCertificates(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Rules Test Root"))
	inter := certgen.Must(ca.Intermediate("Rules Test Issuing CA",
		certgen.CRLDistributionPoint("http://crl.example.com/root.crl")))
	leaf := certgen.Must(inter.Leaf([]string{"api.example.com"},
		certgen.OCSPServer("http://ocsp.example.com"),
		certgen.IssuingCertificateURL("http://aia.example.com/issuing.crt"),
		certgen.CRLDistributionPoint("http://crl.example.com/issuing.crl")))
	rs, errs := RevocationRules(diag.RevocationURLs(leaf.Chain))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	hosts := map[string]bool{}
	for _, r := range Dedup(rs) {
		hosts[r.Host] = true
	}
	for _, h := range []string{"ocsp.example.com", "crl.example.com", "aia.example.com"} {
		if !hosts[h] {
			t.Errorf("%s missing from %v", h, hosts)
		}
	}
}

func TestDedupKeepsTargetFirst(t *testing.T) {
	tg := TargetRule(mustTarget(t, "ocsp.example.com:80"))
	rev, _ := RevocationRules([]string{"http://ocsp.example.com/"})
	got := Dedup(append([]Rule{tg}, rev...))
	if len(got) != 1 || got[0].Purpose != PurposeTarget {
		t.Errorf("Dedup = %+v", got)
	}
}

func TestResolve(t *testing.T) {
	s := Set{Rules: []Rule{
		TargetRule(mustTarget(t, "api.okviz.com")),
		TargetRule(mustTarget(t, "198.51.100.7")),
		TargetRule(mustTarget(t, "api.okviz.com:8443")),
	}}
	calls := 0
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		calls++
		return fakeLookup(ctx, host)
	}
	if err := Resolve(context.Background(), &s, lookup); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("lookups = %d, want 1 (literals skipped, names cached)", calls)
	}
	if !s.Resolved || join(s.Rules[0].IPv4, ",") != "203.0.113.10,203.0.113.11" || join(s.Rules[0].IPv6, ",") != "2001:db8::10" {
		t.Errorf("resolved = %+v", s.Rules[0])
	}
	if join(s.Rules[1].IPv4, ",") != "198.51.100.7" {
		t.Errorf("literal = %+v", s.Rules[1])
	}

	for _, tc := range []struct {
		name   string
		lookup LookupFunc
		want   string
	}{
		{"error", func(context.Context, string) ([]netip.Addr, error) { return nil, errors.New("NXDOMAIN") }, "cannot resolve api.okviz.com: NXDOMAIN"},
		{"empty", func(context.Context, string) ([]netip.Addr, error) { return nil, nil }, "cannot resolve api.okviz.com: no addresses"},
	} {
		s := Set{Rules: []Rule{TargetRule(mustTarget(t, "api.okviz.com"))}}
		err := Resolve(context.Background(), &s, tc.lookup)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if s.Resolved {
			t.Errorf("%s: set marked resolved after an error", tc.name)
		}
	}
}

func TestGroups(t *testing.T) {
	s := fixtures(t)["several"]
	gs := s.Groups()
	var got []string
	for _, g := range gs {
		got = append(got, g.Key()+":"+string(g.Purpose)+":"+strings.Join(g.Hosts(), ","))
	}
	want := "443:target:api.okviz.com,198.51.100.7,2001:db8::7 8443:target:login.example.net 80:revocation:ocsp.example.com,crl.example.com"
	if strings.Join(got, " ") != want {
		t.Errorf("groups = %v\nwant %s", got, want)
	}
	if join(gs[0].IPv4(), ",") != "198.51.100.7,203.0.113.10,203.0.113.11" || join(gs[0].IPv6(), ",") != "2001:db8::7,2001:db8::10" {
		t.Errorf("group addresses = %v %v", gs[0].IPv4(), gs[0].IPv6())
	}
}

func TestSafeName(t *testing.T) {
	long := strings.Repeat("a", 60) + ".example.com"
	a := safeName(long, 31, alnumUnderscore, '_')
	b := safeName(strings.Repeat("a", 60)+".example.net", 31, alnumUnderscore, '_')
	if len(a) != 31 || len(b) != 31 || a == b {
		t.Errorf("long names %q %q: want 31 characters and distinct", a, b)
	}
	if got := safeName("api.okviz.com", 31, alnumUnderscore, '_'); got != "api_okviz_com" {
		t.Errorf("safeName = %q", got)
	}
	if strings.ContainsFunc(a, func(r rune) bool { return !alnumUnderscore(r) }) {
		t.Errorf("%q has characters outside the set", a)
	}
}

// TestLongHostNames renders a 253-character host name everywhere: names
// must stay within each platform's limits, comments within theirs.
func TestLongHostNames(t *testing.T) {
	label := strings.Repeat("x", 60)
	host := strings.Join([]string{label, label, label, label[:58], "example.com"}, ".")
	if len(host) != 253 {
		t.Fatalf("len = %d", len(host))
	}
	s := Set{Version: "1.2.0", Date: fixedDate, Rules: []Rule{TargetRule(mustTarget(t, host))}}
	if err := Resolve(context.Background(), &s, func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("203.0.113.10")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	checks := map[string]*regexp.Regexp{
		"paloalto":    regexp.MustCompile(`^set address (\S+) `),
		"fortigate":   regexp.MustCompile(`^    edit "([^"]+)"`),
		"cisco-asa":   regexp.MustCompile(`^object network (\S+)`),
		"juniper-srx": regexp.MustCompile(`address (\S+) dns-name`),
		"pfsense":     regexp.MustCompile(`<name>(.+)</name>`),
	}
	limits := map[string]int{"paloalto": panNameMax, "fortigate": fortiNameMax, "cisco-asa": asaNameMax, "juniper-srx": srxNameMax, "pfsense": bsdAliasMax}
	for _, f := range Formats() {
		out := render(t, f.Name, s)
		re, ok := checks[f.Name]
		if !ok {
			continue
		}
		n := 0
		for _, l := range strings.Split(out, "\n") {
			if m := re.FindStringSubmatch(l); m != nil {
				n++
				if len(m[1]) > limits[f.Name] {
					t.Errorf("%s: name %q is %d characters, limit %d", f.Name, m[1], len(m[1]), limits[f.Name])
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no object name found", f.Name)
		}
	}
	if s.Rules[0].Comment != "okviz-check" {
		t.Errorf("comment = %q, want the short form", s.Rules[0].Comment)
	}
	for _, l := range strings.Split(render(t, "nftables", s), "\n") {
		if i := strings.Index(l, `comment "`); i >= 0 && len(l)-i-len(`comment ""`) > nftCommentMax {
			t.Errorf("nft comment over %d characters: %s", nftCommentMax, l)
		}
	}
}
