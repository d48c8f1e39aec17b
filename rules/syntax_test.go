package rules

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Formats without a local validator still embed data in a standard syntax
// (JSON bodies, XML, YAML, CSV): parse those parts, so a quoting slip
// cannot hide behind a golden file.

func TestJSONOutputParses(t *testing.T) {
	for name, set := range fixtures(t) {
		var doc jsonRules
		if err := json.Unmarshal([]byte(render(t, "json", set)), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.SchemaVersion != 1 || doc.Tool.Version != "1.2.0" || len(doc.Rules) != len(set.Rules) {
			t.Errorf("%s: %+v", name, doc)
		}
		for i, r := range doc.Rules {
			if r.IPv4 == nil || r.IPv6 == nil {
				t.Errorf("%s: rule %d has null address lists", name, i)
			}
			if r.Host != set.Rules[i].Host || r.Port != set.Rules[i].Port || r.Purpose != string(set.Rules[i].Purpose) {
				t.Errorf("%s: rule %d = %+v", name, i, r)
			}
		}
	}
}

func TestCSVOutputParses(t *testing.T) {
	for name, set := range fixtures(t) {
		rd := csv.NewReader(strings.NewReader(render(t, "csv", set)))
		rd.Comment = '#'
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) != len(set.Rules)+1 || rows[0][0] != "host" {
			t.Fatalf("%s: %d rows, header %v", name, len(rows), rows[0])
		}
		for i, r := range set.Rules {
			if rows[i+1][0] != r.Host || rows[i+1][6] != join(r.IPv4, " ") || rows[i+1][7] != join(r.IPv6, " ") {
				t.Errorf("%s: row %d = %v", name, i+1, rows[i+1])
			}
		}
	}
}

// jsonBodies finds the JSON documents in shell output: curl -d '...' bodies,
// here-documents and lines that are a JSON object.
func jsonBodies(out string) []string {
	var bodies []string
	for _, m := range regexp.MustCompile(`-d '(\{.*\})'`).FindAllStringSubmatch(out, -1) {
		if m[1] != "{}" {
			bodies = append(bodies, m[1])
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "{") {
			bodies = append(bodies, l)
		}
	}
	return bodies
}

func TestEmbeddedJSONParses(t *testing.T) {
	for _, format := range []string{"opnsense", "zscaler", "netskope", "aws-network-firewall"} {
		for name, set := range fixtures(t) {
			out := render(t, format, set)
			bodies := jsonBodies(out)
			if len(bodies) == 0 {
				t.Errorf("%s/%s: no JSON body found", format, name)
			}
			for _, b := range bodies {
				var v map[string]any
				if err := json.Unmarshal([]byte(b), &v); err != nil {
					t.Errorf("%s/%s: %v in %s", format, name, err, b)
				}
			}
		}
	}
}

// xmlWellFormed reads every token of s.
func xmlWellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestXMLParses(t *testing.T) {
	for name, set := range fixtures(t) {
		out := render(t, "sophos", set)
		if err := xmlWellFormed(out); err != nil {
			t.Errorf("sophos/%s: %v", name, err)
		}
		var req struct {
			FQDNHosts []struct{ Name, FQDN string } `xml:"Set>FQDNHost"`
			Rules     []struct {
				IPFamily string
				Networks []string `xml:"NetworkPolicy>DestinationNetworks>Network"`
			} `xml:"Set>FirewallRule"`
		}
		if err := xml.Unmarshal([]byte(out), &req); err != nil {
			t.Fatalf("sophos/%s: %v", name, err)
		}
		if len(req.FQDNHosts) == 0 || len(req.Rules) == 0 {
			t.Errorf("sophos/%s: %+v", name, req)
		}
		pf := render(t, "pfsense", set)
		frag := pf[strings.Index(pf, "<alias>"):]
		if err := xmlWellFormed("<aliases>" + frag + "</aliases>"); err != nil {
			t.Errorf("pfsense/%s: %v", name, err)
		}
	}
}

func TestCiliumYAMLParses(t *testing.T) {
	for name, set := range fixtures(t) {
		var pol struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Spec       struct {
				Egress []struct {
					ToFQDNs []struct {
						MatchName string `yaml:"matchName"`
					} `yaml:"toFQDNs"`
					ToCIDR  []string `yaml:"toCIDR"`
					ToPorts []struct {
						Ports []struct{ Port, Protocol string } `yaml:"ports"`
						Rules struct {
							DNS []map[string]string `yaml:"dns"`
						} `yaml:"rules"`
					} `yaml:"toPorts"`
				} `yaml:"egress"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal([]byte(render(t, "cilium", set)), &pol); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if pol.APIVersion != "cilium.io/v2" || pol.Kind != "CiliumNetworkPolicy" {
			t.Errorf("%s: %+v", name, pol)
		}
		seen := map[string]bool{}
		dns := false
		for _, e := range pol.Spec.Egress {
			for _, f := range e.ToFQDNs {
				seen[f.MatchName] = true
			}
			for _, c := range e.ToCIDR {
				seen[strings.Split(c, "/")[0]] = true
			}
			for _, tp := range e.ToPorts {
				if len(tp.Rules.DNS) > 0 && tp.Ports[0].Port == "53" {
					dns = true
				}
			}
		}
		if !dns {
			t.Errorf("%s: no DNS rule for toFQDNs", name)
		}
		for _, r := range set.Rules {
			if !seen[r.Host] {
				t.Errorf("%s: %s not in the policy", name, r.Host)
			}
		}
	}
}
