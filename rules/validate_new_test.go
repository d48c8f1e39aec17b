package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"
)

// Validators for the DNS, firewalld, Terraform and Kubernetes formats. Each
// is also shown a broken input and must reject it.

// namedCheckZone runs named-checkzone on a zone file.
func namedCheckZone(t *testing.T, zone string) (string, error) {
	t.Helper()
	p := writeTemp(t, rpzZone, zone)
	out, err := exec.Command("named-checkzone", rpzZone, p).CombinedOutput()
	return string(out), err
}

func TestRPZNamedCheck(t *testing.T) {
	needBinary(t, "named-checkzone")
	needBinary(t, "named-checkconf")
	for name, set := range fixtures(t) {
		out := render(t, "rpz", set)
		if msg, err := namedCheckZone(t, out); err != nil {
			t.Errorf("%s: named-checkzone: %v\n%s\n%s", name, err, msg, out)
		}
		// The named.conf lines from the header, around the zone file.
		zone := writeTemp(t, rpzZone, out)
		var opts, decl string
		for _, l := range strings.Split(out, "\n") {
			l = strings.TrimSpace(strings.TrimPrefix(l, ";"))
			if strings.HasPrefix(l, "response-policy") {
				opts = strings.Replace(l, `zone "your-block-zone"; `, "", 1)
			}
			if strings.HasPrefix(l, "zone \""+rpzZone) {
				decl = strings.Replace(l, "/etc/bind/"+rpzZone, zone, 1)
			}
		}
		if opts == "" || decl == "" {
			t.Fatalf("%s: no named.conf lines in the header:\n%s", name, out)
		}
		conf := writeTemp(t, "named.conf", "options {\n\tdirectory \""+filepath.Dir(zone)+"\";\n\t"+opts+"\n};\n"+decl+"\n")
		if msg, err := exec.Command("named-checkconf", "-z", conf).CombinedOutput(); err != nil {
			t.Errorf("%s: named-checkconf -z: %v\n%s", name, err, msg)
		}
	}
	if _, err := namedCheckZone(t, "$TTL 300\n@ IN SOA localhost. h.localhost. ( 1 3600 600 86400 300 )\n  IN NS localhost.\napi.okviz.com CNAME rpz-passthru. extra\n"); err == nil {
		t.Error("named-checkzone accepted a broken zone: the check proves nothing")
	}
}

func TestRPZIP(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":         "32.7.100.51.198.rpz-ip",
		"2001:db8::7":          "128.7.zz.db8.2001.rpz-ip",
		"2001:db8:0:1:0:0:0:5": "128.5.zz.1.0.db8.2001.rpz-ip",
		"2001:0:0:1:0:0:1:5":   "128.5.1.0.0.1.zz.2001.rpz-ip",
	} {
		if got := rpzIP(fillAddr(in)); got != want {
			t.Errorf("rpzIP(%s) = %s, want %s", in, got, want)
		}
	}
}

// unboundCheck runs unbound-checkconf on a minimal unbound.conf that
// includes the fragment.
func unboundCheck(t *testing.T, fragment string) (string, error) {
	t.Helper()
	frag := writeTemp(t, "okviz-check.conf", fragment)
	conf := writeTemp(t, "unbound.conf", "server:\n    chroot: \"\"\n    username: \"\"\n    directory: \""+filepath.Dir(frag)+"\"\n    pidfile: \"\"\n    local-zone: \"okviz.com.\" always_nxdomain\ninclude: \""+frag+"\"\n")
	out, err := exec.Command("unbound-checkconf", conf).CombinedOutput()
	return string(out), err
}

func TestUnboundCheckconf(t *testing.T) {
	needBinary(t, "unbound-checkconf")
	for name, set := range fixtures(t) {
		out := render(t, "unbound", set)
		if msg, err := unboundCheck(t, out); err != nil {
			t.Errorf("%s: unbound-checkconf: %v\n%s\n%s", name, err, msg, out)
		}
	}
	if _, err := unboundCheck(t, "server:\n    local-zone: \"api.okviz.com.\" nosuchtype\n"); err == nil {
		t.Error("unbound-checkconf accepted a broken fragment: the check proves nothing")
	}
}

// firewalldCheck turns the firewall-cmd --permanent lines into
// firewall-offline-cmd calls on a private configuration directory, then
// checks the result with --check-config.
func firewalldCheck(t *testing.T, script string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	var log bytes.Buffer
	// Consecutive lines that repeat one option on one object (--add-entry,
	// --add-rich-rule) become one call: Python starts slowly.
	var calls [][]string
	for _, l := range strings.Split(script, "\n") {
		if !strings.HasPrefix(l, "firewall-cmd --permanent ") {
			continue
		}
		w := shellWords(strings.TrimPrefix(l, "firewall-cmd --permanent "))
		if n := len(calls); n > 0 && len(w) == 2 && len(calls[n-1]) >= 2 && calls[n-1][0] == w[0] &&
			strings.SplitN(calls[n-1][1], "=", 2)[0] == strings.SplitN(w[1], "=", 2)[0] && strings.HasPrefix(w[1], "--add-") {
			calls[n-1] = append(calls[n-1], w[1])
			continue
		}
		calls = append(calls, w)
	}
	for _, c := range calls {
		out, err := exec.Command("firewall-offline-cmd", append([]string{"--system-config", dir}, c...)...).CombinedOutput()
		log.Write(out)
		if err != nil {
			return log.String(), fmt.Errorf("%v: %v", c, err)
		}
	}
	out, err := exec.Command("firewall-offline-cmd", "--system-config", dir, "--check-config").CombinedOutput()
	log.Write(out)
	return log.String(), err
}

// shellWords splits a line on spaces outside single and double quotes and
// drops the quotes, as the shell would for these simple lines.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func TestFirewalldOfflineCheck(t *testing.T) {
	needBinary(t, "firewall-offline-cmd")
	need(t, os.Geteuid() == 0, "firewall-offline-cmd needs root")
	// firewall-offline-cmd starts Python for every line: run the fixtures
	// side by side.
	t.Run("fixtures", func(t *testing.T) {
		for name, set := range fixtures(t) {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				out := render(t, "firewalld", set)
				if msg, err := firewalldCheck(t, out); err != nil {
					t.Errorf("firewall-offline-cmd: %v\n%s\n%s", err, msg, out)
				}
			})
		}
	})
	bad := "firewall-cmd --permanent --new-policy=okviz-check\nfirewall-cmd --permanent --policy=okviz-check --add-rich-rule='rule family=\"ipv4\" destination ipset=\"x\" port port=\"443\" protocol=\"tcp\" acceptt'\n"
	if _, err := firewalldCheck(t, bad); err == nil {
		t.Error("firewall-offline-cmd accepted a broken rich rule: the check proves nothing")
	}
}

// hclCheck parses Terraform text and returns the resource types it declares.
func hclCheck(src string) ([]string, error) {
	f, diags := hclparse.NewParser().ParseHCL([]byte(src), "okviz-check.tf")
	if diags.HasErrors() {
		return nil, diags
	}
	var types []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" {
			types = append(types, b.Labels[0])
		}
	}
	return types, nil
}

func TestTerraformHCLParses(t *testing.T) {
	want := map[string]string{"terraform-azurerm": "azurerm_firewall_policy_rule_collection_group",
		"terraform-aws": "aws_networkfirewall_rule_group", "terraform-google": "google_compute_network_firewall_policy_rule"}
	for format, typ := range want {
		for name, set := range fixtures(t) {
			out := render(t, format, set)
			types, err := hclCheck(out)
			if err != nil {
				t.Errorf("%s/%s: %v\n%s", format, name, err, out)
				continue
			}
			if len(types) == 0 || types[0] != typ {
				t.Errorf("%s/%s: resources %v, want %s", format, name, types, typ)
			}
			for _, r := range set.Rules {
				h := r.Host
				if r.IsIP() && format != "terraform-azurerm" {
					h = prefixes(r.Addrs())[0]
				}
				if !strings.Contains(out, `"`+h+`"`) && !(format == "terraform-azurerm" && fillAddr(r.Host).Is6()) {
					t.Errorf("%s/%s: %s not in the file", format, name, h)
				}
			}
		}
	}
	if _, err := hclCheck("resource \"x\" \"y\" {\n  a = [\"b\"\n}\n"); err == nil {
		t.Error("the HCL parser accepted a broken file: the check proves nothing")
	}
}

// The Kubernetes resources, with only the fields each CRD's schema defines
// (strict decoding rejects any other), as the CRDs publish them.
type (
	k8sHead struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
	}
	egressFirewall struct {
		k8sHead `yaml:",inline"`
		Spec    struct {
			Egress []struct {
				Type string `yaml:"type"`
				To   struct {
					CIDRSelector string `yaml:"cidrSelector"`
					DNSName      string `yaml:"dnsName"`
				} `yaml:"to"`
				Ports []struct {
					Protocol string `yaml:"protocol"`
					Port     int    `yaml:"port"`
				} `yaml:"ports"`
			} `yaml:"egress"`
		} `yaml:"spec"`
	}
	calicoPolicy struct {
		k8sHead `yaml:",inline"`
		Spec    struct {
			Order    float64  `yaml:"order"`
			Selector string   `yaml:"selector"`
			Types    []string `yaml:"types"`
			Egress   []struct {
				Action      string `yaml:"action"`
				Protocol    string `yaml:"protocol"`
				Destination struct {
					Domains []string `yaml:"domains"`
					Nets    []string `yaml:"nets"`
					Ports   []int    `yaml:"ports"`
				} `yaml:"destination"`
			} `yaml:"egress"`
		} `yaml:"spec"`
	}
	serviceEntry struct {
		k8sHead `yaml:",inline"`
		Spec    struct {
			Hosts      []string `yaml:"hosts"`
			Addresses  []string `yaml:"addresses"`
			Location   string   `yaml:"location"`
			Resolution string   `yaml:"resolution"`
			Ports      []struct {
				Number   int    `yaml:"number"`
				Name     string `yaml:"name"`
				Protocol string `yaml:"protocol"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
)

// decodeAll strictly decodes every YAML document of src into a new T.
func decodeAll[T any](src string) ([]T, error) {
	d := yaml.NewDecoder(strings.NewReader(src))
	d.KnownFields(true)
	var out []T
	for {
		var v T
		err := d.Decode(&v)
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return nil, err
		}
		out = append(out, v)
	}
}

var k8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func TestKubernetesYAML(t *testing.T) {
	for name, set := range fixtures(t) {
		efs, err := decodeAll[egressFirewall](render(t, "openshift-egressfirewall", set))
		if err != nil || len(efs) != 1 || efs[0].Kind != "EgressFirewall" || efs[0].Metadata.Name != "default" {
			t.Errorf("openshift/%s: %v %+v", name, err, efs)
		} else {
			for i, e := range efs[0].Spec.Egress {
				if e.Type != "Allow" || (e.To.DNSName == "") == (e.To.CIDRSelector == "") || len(e.Ports) != 1 || e.Ports[0].Port != set.Rules[i].Port {
					t.Errorf("openshift/%s: rule %d = %+v", name, i, e)
				}
			}
		}
		cps, err := decodeAll[calicoPolicy](render(t, "calico", set))
		if err != nil || len(cps) != 1 || cps[0].Kind != "GlobalNetworkPolicy" {
			t.Errorf("calico/%s: %v %+v", name, err, cps)
		} else {
			seen := map[string]bool{}
			for _, e := range cps[0].Spec.Egress {
				if e.Action != "Allow" || len(e.Destination.Ports) != 1 {
					t.Errorf("calico/%s: %+v", name, e)
				}
				for _, d := range append(e.Destination.Domains, e.Destination.Nets...) {
					seen[strings.Split(d, "/")[0]] = true
				}
			}
			for _, r := range set.Rules {
				if !seen[r.Host] && !r.IsIP() {
					t.Errorf("calico/%s: %s not allowed", name, r.Host)
				}
			}
		}
		ses, err := decodeAll[serviceEntry](render(t, "istio", set))
		if err != nil || len(ses) == 0 {
			t.Errorf("istio/%s: %v", name, err)
		}
		for _, se := range ses {
			if se.Kind != "ServiceEntry" || se.Spec.Location != "MESH_EXTERNAL" || !k8sName.MatchString(se.Metadata.Name) || len(se.Spec.Ports) != 1 {
				t.Errorf("istio/%s: %+v", name, se)
			}
		}
	}
	if _, err := decodeAll[egressFirewall]("apiVersion: k8s.ovn.org/v1\nkind: EgressFirewall\nspec:\n  egress:\n    - type: Allow\n      to:\n        dnsname: api.okviz.com\n"); err == nil {
		t.Error("strict decoding accepted an unknown field: the check proves nothing")
	}
}

func TestDNSFilterSyntax(t *testing.T) {
	for name, set := range fixtures(t) {
		out := render(t, "pihole", set)
		for _, m := range regexp.MustCompile(`--allow-regex '([^']+)'`).FindAllStringSubmatch(out, -1) {
			re, err := regexp.Compile(m[1])
			if err != nil {
				t.Fatalf("pihole/%s: %v", name, err)
			}
			h := strings.TrimSuffix(strings.TrimPrefix(strings.ReplaceAll(m[1], `\.`, "."), "^"), "$")
			if !re.MatchString(h) || re.MatchString("x"+h) || re.MatchString(h+".evil.net") || re.MatchString(strings.Replace(h, ".", "x", 1)) {
				t.Errorf("pihole/%s: %s matches the wrong names", name, m[1])
			}
		}
		ag := render(t, "adguard-home", set)
		rule := regexp.MustCompile(`^@@\|\|[a-z0-9.-]+\^\$important$`)
		n := 0
		for _, l := range strings.Split(ag, "\n") {
			if l == "" || strings.HasPrefix(l, "!") {
				continue
			}
			if l[0] == '#' {
				t.Errorf("adguard-home/%s: '#' is not a comment in filter lists: %s", name, l)
			}
			if !rule.MatchString(l) {
				t.Errorf("adguard-home/%s: bad rule %q", name, l)
			}
			n++
		}
		if n != len(uniq(hostsOf(nameRules(&set)))) {
			t.Errorf("adguard-home/%s: %d rules", name, n)
		}
	}
}

func TestNewFormatsEmbeddedJSON(t *testing.T) {
	for _, format := range []string{"umbrella", "cloudflare-gateway", "meraki", "cisco-ftd", "infoblox"} {
		for name, set := range fixtures(t) {
			out := render(t, format, set)
			bodies := jsonBodies(out)
			for _, m := range regexp.MustCompile(`-d '(\[.*\])'`).FindAllStringSubmatch(out, -1) {
				bodies = append(bodies, m[1])
			}
			if format == "infoblox" {
				bodies = nil
				for _, m := range regexp.MustCompile(`-d '(\{.*\})'`).FindAllStringSubmatch(out, -1) {
					bodies = append(bodies, strings.ReplaceAll(m[1], `'"$RPZ"'`, "rpz"))
				}
				for i := range bodies {
					bodies[i] = strings.ReplaceAll(bodies[i], `'"$VIEW"'`, "default")
				}
			}
			if len(bodies) == 0 {
				t.Errorf("%s/%s: no JSON body found", format, name)
			}
			for _, b := range bodies {
				var v any
				if err := json.Unmarshal([]byte(b), &v); err != nil {
					t.Errorf("%s/%s: %v in %s", format, name, err, b)
				}
			}
		}
	}
}
