package rules

// renderTerraformAWS writes a Terraform file (aws provider): a domain-list
// stateful rule group per port and a 5-tuple rule group for address
// literals, to reference from your aws_networkfirewall_firewall_policy.
func renderTerraformAWS(p *printer, s *Set) {
	p.header(s, "#", "Terraform (aws): AWS Network Firewall stateful rule groups")
	p.comment("#", `Save as okviz-check.tf, then add the rule groups' ARNs to your
aws_networkfirewall_firewall_policy (stateful_rule_group_reference; with
STRICT_ORDER also a priority). Strict order: use the stateful default action
"aws:drop_established"; "aws:drop_strict" drops the TCP handshake before the
SNI / Host header is seen, so these pass rules would never match.`)
	for _, g := range s.Groups() {
		names, typ := awsDomainList(g)
		if len(names) == 0 {
			continue
		}
		p.blank()
		p.l(`resource "aws_networkfirewall_rule_group" "okviz_check_%s" {`, g.Key())
		p.l(`  name        = "okviz-check-%s"`, g.Key())
		p.l(`  type        = "STATEFUL"`)
		p.l(`  capacity    = 100`)
		p.l(`  description = "okviz-check tcp/%s"`, g.Key())
		p.l(`  rule_group {`)
		p.l(`    rules_source {`)
		p.l(`      rules_source_list {`)
		p.l(`        generated_rules_type = "ALLOWLIST"`)
		p.l(`        target_types         = [%q]`, typ)
		p.l(`        targets              = %s`, hclList(names))
		p.l(`      }`)
		p.l(`    }`)
		p.l(`  }`)
		p.l(`}`)
	}
	lits := awsLiterals(s)
	if len(lits) == 0 {
		return
	}
	p.blank()
	p.l(`# Address literals cannot be in a domain list: a 5-tuple rule group.`)
	p.l(`resource "aws_networkfirewall_rule_group" "okviz_check_addresses" {`)
	p.l(`  name        = "okviz-check-addresses"`)
	p.l(`  type        = "STATEFUL"`)
	p.l(`  capacity    = 100`)
	p.l(`  description = "okviz-check address literals"`)
	p.l(`  rule_group {`)
	p.l(`    rules_source {`)
	for i, r := range lits {
		p.l(`      stateful_rule {`)
		p.l(`        action = "PASS"`)
		p.l(`        header {`)
		p.l(`          protocol         = "TCP"`)
		p.l(`          source           = "ANY"`)
		p.l(`          source_port      = "ANY"`)
		p.l(`          direction        = "FORWARD"`)
		p.l(`          destination      = %q`, prefixes(r.Addrs())[0])
		p.l(`          destination_port = "%d"`, r.Port)
		p.l(`        }`)
		p.l(`        rule_option {`)
		p.l(`          keyword  = "sid"`)
		p.l(`          settings = ["%d"]`, 3100001+i)
		p.l(`        }`)
		p.l(`      }`)
	}
	p.l(`    }`)
	p.l(`  }`)
	p.l(`}`)
}
