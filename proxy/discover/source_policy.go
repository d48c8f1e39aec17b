package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// browserPolicy says where one Chromium-based browser keeps its managed
// policies on each OS.
type browserPolicy struct {
	source   string   // Source.Name
	regKey   string   // Windows: under HKLM and HKCU
	linux    []string // directories of JSON policy files
	macosApp string   // macOS managed preferences domain
}

// The browsers whose policies can override the system proxy for the
// browser. Edge comes first: Power BI Desktop embeds it (WebView2) and it
// is the managed browser on most Windows fleets.
var browserPolicies = []browserPolicy{
	{source: "edge-policy", regKey: `SOFTWARE\Policies\Microsoft\Edge`, linux: []string{"/etc/opt/edge/policies/managed"}, macosApp: "com.microsoft.Edge"},
	{source: "chrome-policy", regKey: `SOFTWARE\Policies\Google\Chrome`, linux: []string{"/etc/opt/chrome/policies/managed", "/etc/chromium/policies/managed"}, macosApp: "com.google.Chrome"},
}

// proxyPolicyNames are the policies that configure the proxy.
var proxyPolicyNames = []string{"ProxySettings", "ProxyMode", "ProxyServerMode", "ProxyServer", "ProxyPacUrl", "ProxyPacMandatory", "ProxyBypassList"}

// readPolicies reads the proxy policies of every known browser.
func readPolicies(ctx context.Context, sys System) []Source {
	out := make([]Source, 0, len(browserPolicies))
	for _, b := range browserPolicies {
		var vals map[string]any
		var origins []string
		var err error
		switch sys.GOOS {
		case "windows":
			vals, origins, err = registryPolicies(sys.Registry, b.regKey)
		case "darwin":
			vals, origins, err = macPolicies(ctx, sys, b.macosApp)
		default:
			vals, origins, err = jsonPolicies(sys, b.linux)
		}
		s := Source{Name: b.source, Origin: strings.Join(origins, "; ")}
		s.fail(err)
		if len(vals) > 0 {
			s.set, s.Found, s.Notes, err = policySettings(vals)
			s.fail(err)
		}
		out = append(out, s)
	}
	return out
}

// registryPolicies reads the policy values under HKLM, then HKCU: a machine
// policy wins over the same user policy.
func registryPolicies(reg Registry, key string) (map[string]any, []string, error) {
	if reg == nil {
		return nil, nil, nil
	}
	vals := map[string]any{}
	var origins []string
	for _, root := range []string{"HKLM", "HKCU"} {
		used := false
		for _, name := range proxyPolicyNames {
			if _, done := vals[name]; done {
				continue
			}
			v, err := reg.Value(root, key, name)
			if err != nil {
				if !isNotExist(err) {
					return nil, origins, err
				}
				continue
			}
			used = true
			switch v.Type {
			case RegDWORD, RegQWORD:
				vals[name] = float64(v.Num)
			default:
				vals[name] = v.Str
			}
		}
		if used {
			origins = append(origins, root+`\`+key)
		}
	}
	return vals, origins, nil
}

// jsonPolicies reads Linux managed policy files (*.json) in name order;
// the first file that sets a policy wins.
func jsonPolicies(sys System, dirs []string) (map[string]any, []string, error) {
	if sys.ReadDir == nil {
		return nil, nil, nil
	}
	vals := map[string]any{}
	var origins []string
	for _, dir := range dirs {
		names, err := sys.ReadDir(dir)
		if err != nil {
			if isNotExist(err) {
				continue
			}
			return nil, origins, err
		}
		sort.Strings(names)
		for _, n := range names {
			if !strings.HasSuffix(n, ".json") {
				continue
			}
			file := path.Join(dir, n)
			data, err := sys.readFile(file)
			if err != nil {
				return nil, origins, err
			}
			if origins, err = mergePolicyJSON(vals, origins, file, data); err != nil {
				return nil, origins, err
			}
		}
	}
	return vals, origins, nil
}

// macPolicies reads the managed preferences of a browser (MDM profiles),
// converting the plist to JSON with plutil. User-level managed preferences
// win over machine-level ones.
func macPolicies(ctx context.Context, sys System, domain string) (map[string]any, []string, error) {
	files := []string{}
	if u := sys.getenv("USER"); u != "" && !strings.ContainsAny(u, "/\\") {
		files = append(files, "/Library/Managed Preferences/"+u+"/"+domain+".plist")
	}
	files = append(files, "/Library/Managed Preferences/"+domain+".plist")
	vals := map[string]any{}
	var origins []string
	for _, f := range files {
		if sys.ReadFile != nil {
			if _, err := sys.ReadFile(f); err != nil {
				continue // no such profile: nothing to convert
			}
		}
		out, err := sys.run(ctx, "plutil", "-convert", "json", "-o", "-", f)
		if err != nil {
			if isNotExist(err) {
				continue
			}
			return nil, origins, fmt.Errorf("plutil %s: %v", f, err)
		}
		if origins, err = mergePolicyJSON(vals, origins, f, out); err != nil {
			return nil, origins, err
		}
	}
	return vals, origins, nil
}

// mergePolicyJSON decodes one policy document and merges it into vals,
// adding file to origins when it set a proxy policy.
func mergePolicyJSON(vals map[string]any, origins []string, file string, data []byte) ([]string, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return origins, fmt.Errorf("%s: %v", file, err)
	}
	if mergePolicies(vals, doc) {
		origins = append(origins, file)
	}
	return origins, nil
}

// mergePolicies copies the proxy policies of doc that vals does not have
// yet, and reports whether doc had any.
func mergePolicies(vals, doc map[string]any) bool {
	used := false
	for _, name := range proxyPolicyNames {
		if v, ok := doc[name]; ok {
			used = true
			if _, done := vals[name]; !done {
				vals[name] = v
			}
		}
	}
	return used
}

// policySettings interprets the proxy policies the way Chromium's
// ProxyPolicyHandler does: ProxySettings (a dictionary, a JSON string in
// the Windows registry) replaces the individual policies; ProxyMode picks
// what the others mean; values that do not fit the mode are ignored.
func policySettings(vals map[string]any) (Settings, bool, []string, error) {
	var notes []string
	p := vals
	if raw, ok := vals["ProxySettings"]; ok {
		dict, err := policyDict(raw)
		if err != nil {
			return Settings{}, false, nil, fmt.Errorf("ProxySettings: %v", err)
		}
		for _, n := range proxyPolicyNames[1:] {
			if _, ok := vals[n]; ok {
				notes = append(notes, fmt.Sprintf("%s is ignored because ProxySettings is set", n))
			}
		}
		p = dict
	} else {
		for _, n := range proxyPolicyNames[1:] {
			if _, ok := vals[n]; ok {
				notes = append(notes, fmt.Sprintf("%s is a deprecated policy (Edge documents it as not working from version 91); ProxySettings replaces it", n))
				break
			}
		}
	}
	str := func(k string) string { s, _ := p[k].(string); return strings.TrimSpace(s) }
	st := Settings{BypassStyle: BypassChromium}
	mode := str("ProxyMode")
	if mode == "" {
		if n, ok := p["ProxyServerMode"].(float64); ok {
			switch int(n) {
			case 0:
				mode = "direct"
			case 1:
				mode = "auto_detect"
			case 2:
				mode = "fixed_servers"
				if str("ProxyPacUrl") != "" {
					mode = "pac_script"
				}
			case 3:
				mode = "system"
			}
		}
	}
	switch mode {
	case "direct":
		st.Direct = true
	case "system":
		st.System = true
	case "auto_detect":
		st.AutoDetect = true
	case "pac_script":
		st.PACURL = str("ProxyPacUrl")
		if st.PACURL == "" {
			return st, false, notes, fmt.Errorf("ProxyMode pac_script without ProxyPacUrl: the policy is ignored")
		}
		st.Mandatory, _ = p["ProxyPacMandatory"].(bool)
		if str("ProxyBypassList") != "" {
			notes = append(notes, "ProxyBypassList is not applied to PAC results")
		}
	case "fixed_servers":
		rules, problems := ParseProxyRules(str("ProxyServer"))
		notes = append(notes, problems...)
		if rules.Empty() {
			return st, false, notes, fmt.Errorf("ProxyMode fixed_servers without a usable ProxyServer: the policy is ignored")
		}
		st.Rules = rules
		st.Bypass = lists.Split(str("ProxyBypassList"), ",;")
	case "":
		return st, false, notes, fmt.Errorf("proxy policies without ProxyMode are ignored")
	default:
		return st, false, notes, fmt.Errorf("unknown ProxyMode %q: the policy is ignored", mode)
	}
	return st, true, notes, nil
}

// policyDict accepts ProxySettings as a dictionary or as its JSON text.
func policyDict(v any) (map[string]any, error) {
	switch t := v.(type) {
	case map[string]any:
		return t, nil
	case string:
		var m map[string]any
		if err := json.Unmarshal([]byte(t), &m); err != nil {
			return nil, fmt.Errorf("not a JSON object: %v", err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("unexpected type %T", v)
}
