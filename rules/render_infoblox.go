package rules

import "strings"

// renderInfoblox writes Infoblox NIOS passthru rules for a local RPZ: WAPI
// calls (record:rpz:cname whose canonical name is the rule's own name, which
// NIOS shows as a Passthru Domain Name rule) and the CSV import form.
func renderInfoblox(p *printer, s *Set) {
	p.header(s, "#", "Infoblox NIOS response policy zone passthru rules (WAPI and CSV import)")
	p.comment("#", `Needs a local RPZ (Data Management > DNS > Response Policy Zones) ordered ABOVE
the feed and block zones: the first zone that matches decides. Set GM, USER
and RPZ (the zone's name, e.g. okviz-check.rpz), and VIEW if not "default".
The WAPI version in the path (v2.12) must be one your Grid Master offers.`)
	p.l("GM=https://gm.example.internal  USER=admin  RPZ=okviz-check.rpz  VIEW=default")
	api := `curl -sS -u "$USER" -H 'Content-Type: application/json' -X POST "$GM/wapi/v2.12/`
	for _, h := range uniq(hostsOf(s.Rules)) {
		if (Rule{Host: h}).IsIP() {
			p.l("# %s: an address: add it as a Passthru IP Address rule (rpz-ip) in the zone.", h)
			continue
		}
		p.l(`%srecord:rpz:cname" \`, api)
		p.l(`  -d '{"name":"%s.'"$RPZ"'","canonical":"%s","rp_zone":"'"$RPZ"'","view":"'"$VIEW"'","comment":"okviz-check"}'`, h, h)
	}
	p.blank()
	p.comment("#", `CSV import (Data Management > Data Import > CSV Import, "Add"): the lines
between the markers, with okviz-check.rpz and default replaced by your zone and
view. The header names follow the Response Policy CNAME Record template; compare
with the template your NIOS version downloads before importing.`)
	p.l("# --- begin csv ---")
	p.l("# header-responsepolicycnamerecord,fqdn*,canonical_name,parent_zone,view,comment")
	for _, h := range uniq(hostsOf(nameRules(s))) {
		p.l("# responsepolicycnamerecord,%s,%s,okviz-check.rpz,default,okviz-check", strings.Join([]string{h, "okviz-check.rpz"}, "."), h)
	}
	p.l("# --- end csv ---")
}
