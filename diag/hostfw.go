package diag

import (
	"sort"
	"strconv"
	"strings"
)

// Windows Firewall's outbound policy, read from the registry where Windows
// keeps it in a documented, language-neutral form: each profile's
// DefaultOutboundAction (0 allow, 1 block) and EnableFirewall, and each
// rule as one string of the grammar of [MS-GPFAS] 2.2.2.19 "Firewall Rule
// and the Firewall Rule Grammar Rule" (learn.microsoft.com/openspecs/
// windows_protocols/ms-gpfas): "v2.33|Action=Block|Active=TRUE|Dir=Out|
// Protocol=6|RPort=443|App=...|Name=...|". The same grammar serves the local
// store (SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\
// FirewallPolicy) and the group-policy one (SOFTWARE\Policies\Microsoft\
// WindowsFirewall). Parsing is pure, so it is tested on every OS.

// powerBIPrograms are the programs whose HTTPS the Power BI visuals ride
// on: Edge, the WebView2 runtime Power BI Desktop embeds, and Desktop itself.
var powerBIPrograms = []string{"msedge.exe", "msedgewebview2.exe", "PBIDesktop.exe"}

// everyProgram names a rule or default that applies to every program,
// this tool's own connections included.
const everyProgram = "every program"

// fwRule is one firewall rule, as much of it as the outbound question needs.
type fwRule struct {
	ID       string
	Name     string
	Action   string // Allow, Block, ByPass
	Active   bool
	Out      bool
	Protocol int      // 0: any
	RPorts   []string // "443", "80-443", keywords; none: any
	App      string   // the program's path; "": every program
	Service  string   // Svc=: a service inside its host process
	Profiles []string // Domain, Private, Public; none: all
	Remote   []string // RA4/RA6 values; none: any address
}

// parseFirewallRule reads one rule string. Fields it does not need are
// skipped; a string that is not a rule (no version) is reported as such.
func parseFirewallRule(id, s string) (fwRule, bool) {
	fields := strings.Split(s, "|")
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "v") {
		return fwRule{}, false
	}
	r := fwRule{ID: id}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "Action":
			r.Action = v
		case "Active":
			r.Active = strings.EqualFold(v, "TRUE")
		case "Dir":
			r.Out = strings.EqualFold(v, "Out")
		case "Protocol":
			r.Protocol, _ = strconv.Atoi(v)
		case "RPort", "RPort2_10":
			r.RPorts = append(r.RPorts, v)
		case "App":
			r.App = v
		case "Svc":
			r.Service = v
		case "Profile":
			r.Profiles = append(r.Profiles, v)
		case "RA4", "RA6":
			r.Remote = append(r.Remote, v)
		case "Name":
			r.Name = v
		}
	}
	return r, true
}

// label is how a rule is named in a summary: its name, unless that is a
// resource reference (@FirewallAPI.dll,-25002), then its id.
func (r fwRule) label() string {
	if r.Name != "" && !strings.HasPrefix(r.Name, "@") {
		return r.Name
	}
	return r.ID
}

// coversHTTPS: the rule matches outbound TCP to port 443.
func (r fwRule) coversHTTPS() bool {
	if !r.Out || (r.Protocol != 0 && r.Protocol != 6) {
		return false
	}
	if len(r.RPorts) == 0 {
		return true
	}
	for _, p := range r.RPorts {
		lo, hi, isRange := strings.Cut(p, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && a <= 443 && 443 <= b {
			return true
		}
	}
	return false
}

// anyRemote: the rule is not limited to some remote addresses (a block of
// a few telemetry addresses, or of the local subnet, is not about the
// service); Internet, as Windows spells it in any case, is every public one.
func (r fwRule) anyRemote() bool {
	for _, a := range r.Remote {
		if !strings.EqualFold(a, "Any") && !strings.EqualFold(a, "Internet") {
			return false
		}
	}
	return true
}

// programs are the Power BI programs the rule applies to, or every
// program; none when it is about another program or a service.
func (r fwRule) programs() []string {
	if r.Service != "" {
		return nil
	}
	if r.App == "" {
		return []string{everyProgram}
	}
	base := r.App[strings.LastIndexAny(r.App, `\/`)+1:]
	for _, p := range powerBIPrograms {
		if strings.EqualFold(base, p) {
			return []string{p}
		}
	}
	return nil
}

// inProfile: the rule applies in this profile.
func (r fwRule) inProfile(profile string) bool {
	if len(r.Profiles) == 0 {
		return true
	}
	for _, p := range r.Profiles {
		if strings.EqualFold(p, profile) {
			return true
		}
	}
	return false
}

// fwProfile is one profile's switch and default for outbound traffic.
type fwProfile struct {
	Name          string // Domain, Private, Public
	Enabled       bool
	BlockOutbound bool // DefaultOutboundAction = 1
}

// fwStore is one store of firewall policy as read from the registry.
type fwStore struct {
	Name     string // local, group policy
	Profiles []fwProfile
	Rules    map[string]string // value name → rule string
}

// FirewallDetails is the evidence of host.firewall: each profile's
// outbound default, and what blocks HTTPS for this tool or the Power BI
// programs.
type FirewallDetails struct {
	Profiles []FirewallProfile `json:"profiles"`
	Blocks   []FirewallBlock   `json:"blocks"`
	Rules    int               `json:"rules_read"`
}

func (*FirewallDetails) CheckDetails() {}

// FirewallProfile is one profile as the policy in effect sets it.
type FirewallProfile struct {
	Name            string `json:"name"`
	Enabled         bool   `json:"enabled"`
	DefaultOutbound string `json:"default_outbound"` // allow, block
	Store           string `json:"store"`            // local, group policy
}

// FirewallBlock is one thing that blocks outbound HTTPS: a block rule, or
// a blocking default with no allow rule for the programs.
type FirewallBlock struct {
	Rule     string   `json:"rule"` // the rule's name or id, or "default outbound action"
	Store    string   `json:"store"`
	Profiles []string `json:"profiles"` // the profiles it applies in
	Programs []string `json:"programs"` // Power BI programs, or "every program"
}

var fwProfileNames = []string{"Domain", "Private", "Public"}

// firewallOutbound reads the stores (group policy first: its settings win
// over the local ones, and its rules add to them) into the evidence of what
// blocks outbound HTTPS.
func firewallOutbound(stores []fwStore) *FirewallDetails {
	d := &FirewallDetails{Profiles: []FirewallProfile{}, Blocks: []FirewallBlock{}}
	var rules []fwRule
	ruleStore := map[string]string{}
	for _, s := range stores {
		ids := make([]string, 0, len(s.Rules))
		for id := range s.Rules {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if r, ok := parseFirewallRule(id, s.Rules[id]); ok {
				rules = append(rules, r)
				ruleStore[id] = s.Name
				d.Rules++
			}
		}
	}
	for _, name := range fwProfileNames {
		for _, s := range stores {
			if p, ok := findProfile(s.Profiles, name); ok {
				def := "allow"
				if p.BlockOutbound {
					def = "block"
				}
				d.Profiles = append(d.Profiles, FirewallProfile{Name: name, Enabled: p.Enabled, DefaultOutbound: def, Store: s.Name})
				break
			}
		}
	}
	// Block rules: they win over allow rules in Windows Firewall.
	for _, r := range rules {
		if !r.Active || !strings.EqualFold(r.Action, "Block") || !r.coversHTTPS() || !r.anyRemote() {
			continue
		}
		progs := r.programs()
		if len(progs) == 0 {
			continue
		}
		var in []string
		for _, p := range d.Profiles {
			if p.Enabled && r.inProfile(p.Name) {
				in = append(in, p.Name)
			}
		}
		if len(in) > 0 {
			d.Blocks = append(d.Blocks, FirewallBlock{Rule: r.label(), Store: ruleStore[r.ID], Profiles: in, Programs: progs})
		}
	}
	// A profile that blocks outbound by default blocks each program no
	// allow rule lets out on 443.
	for _, p := range d.Profiles {
		if !p.Enabled || p.DefaultOutbound != "block" {
			continue
		}
		allowed := map[string]bool{}
		for _, r := range rules {
			if r.Active && strings.EqualFold(r.Action, "Allow") && r.coversHTTPS() && r.anyRemote() && r.inProfile(p.Name) {
				for _, prog := range r.programs() {
					allowed[prog] = true
				}
			}
		}
		if allowed[everyProgram] {
			continue
		}
		var blocked []string
		for _, prog := range append([]string{everyProgram}, powerBIPrograms...) {
			if !allowed[prog] {
				blocked = append(blocked, prog)
			}
		}
		d.Blocks = append(d.Blocks, FirewallBlock{Rule: "default outbound action", Store: p.Store, Profiles: []string{p.Name}, Programs: blocked})
	}
	return d
}

func findProfile(ps []fwProfile, name string) (fwProfile, bool) {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return fwProfile{}, false
}

// firewallCheck turns the evidence into host.firewall.
func firewallCheck(d *FirewallDetails) Check {
	if len(d.Blocks) == 0 {
		return newCheck(CheckHostFirewall, HostOK,
			"Windows Firewall's outbound policy blocks neither TCP 443 nor Edge, WebView2 or Power BI Desktop ("+
				strconv.Itoa(d.Rules)+" rules read).", d)
	}
	var parts []string
	for _, b := range d.Blocks {
		what := "its rule \"" + b.Rule + "\""
		if b.Rule == "default outbound action" {
			what = "its default outbound action (block, no allow rule)"
		}
		parts = append(parts, what+" for "+joinAnd(b.Programs)+" in the "+joinAnd(b.Profiles)+
			plural(len(b.Profiles), " profile", " profiles")+" ("+b.Store+")")
	}
	return newCheck(CheckHostFirewall, HostFirewallBlocks, "On this PC, Windows Firewall blocks outbound HTTPS: "+strings.Join(parts, "; ")+".", d)
}

// blocksEveryProgram says whether a host.firewall finding also blocks this
// tool's own connections, so a failed TCP connect is explained by it.
func blocksEveryProgram(c Check) bool {
	d, ok := c.Details.(*FirewallDetails)
	if !ok || c.Code != HostFirewallBlocks {
		return false
	}
	for _, b := range d.Blocks {
		for _, p := range b.Programs {
			if p == everyProgram {
				return true
			}
		}
	}
	return false
}
