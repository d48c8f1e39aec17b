package rules

// renderTerraformGoogle writes a Terraform file (google provider): egress
// allow rules in an existing global network firewall policy, with
// dest_fqdns for names and dest_ip_ranges for address literals.
func renderTerraformGoogle(p *printer, s *Set) {
	p.header(s, "#", "Terraform (google): global network firewall policy rules")
	p.comment("#", `Save as okviz-check.tf, set firewall_policy (the name of a global network
firewall policy associated with your VPC), then terraform plan and apply.
Priorities (1000 and up) must be free in the policy. Cloud DNS resolves FQDN
objects (up to 32 IPv4 and 32 IPv6 addresses per name).`)
	p.l(`variable "firewall_policy" {`)
	p.l(`  type        = string`)
	p.l(`  description = "Name of the global network firewall policy"`)
	p.l(`}`)
	prio := 1000
	rule := func(g Group, field string, values []string) {
		p.blank()
		p.l(`resource "google_compute_network_firewall_policy_rule" "okviz_check_%d" {`, prio)
		p.l(`  firewall_policy = var.firewall_policy`)
		p.l(`  priority        = %d`, prio)
		p.l(`  direction       = "EGRESS"`)
		p.l(`  action          = "allow"`)
		p.l(`  enable_logging  = true`)
		p.l(`  description     = "okviz-check tcp/%s"`, g.Key())
		p.l(`  match {`)
		p.l(`    %s = %s`, field, hclList(values))
		p.l(`    layer4_configs {`)
		p.l(`      ip_protocol = "tcp"`)
		p.l(`      ports       = [%q]`, g.Key())
		p.l(`    }`)
		p.l(`  }`)
		p.l(`}`)
		prio++
	}
	for _, g := range s.Groups() {
		if names := namesOf(g); len(names) > 0 {
			rule(g, "dest_fqdns", names)
		}
		for _, fam := range literalFamilies(g) {
			rule(g, "dest_ip_ranges", prefixes(fam))
		}
	}

}
