package rules

import "strings"

// hclList formats strings as an HCL list of quoted strings.
func hclList(ss []string) string { return "[" + strings.Join(quoteAll(ss), ", ") + "]" }

// renderTerraformAzure writes a Terraform file (azurerm provider) with a
// rule collection group for an existing Azure Firewall Policy: application
// rules for names, network rules for IPv4 address literals.
func renderTerraformAzure(p *printer, s *Set) {
	p.header(s, "#", "Terraform (azurerm): Azure Firewall Policy rule collection group")
	p.comment("#", `Save as okviz-check.tf in your configuration, set firewall_policy_id, then
terraform plan and apply. Priorities (group 200, collections 200 and up) are
fixed numbers that must be free in the policy. Application rules match the
SNI / Host header; Azure Firewall does not filter IPv6 (left out).`)
	p.l(`variable "firewall_policy_id" {`)
	p.l(`  type        = string`)
	p.l(`  description = "ID of the Azure Firewall Policy to add the okviz-check rules to"`)
	p.l(`}`)
	p.blank()
	p.l(`resource "azurerm_firewall_policy_rule_collection_group" "okviz_check" {`)
	p.l(`  name               = "okviz-check"`)
	p.l(`  firewall_policy_id = var.firewall_policy_id`)
	p.l(`  priority           = 200`)
	for i, g := range s.Groups() {
		if names := namesOf(g); len(names) > 0 {
			typ := "Http"
			if g.TLS() {
				typ = "Https"
			}
			p.blank()
			p.l(`  application_rule_collection {`)
			p.l(`    name     = "okviz-check-%s"`, g.Key())
			p.l(`    priority = %d`, 200+10*i)
			p.l(`    action   = "Allow"`)
			p.l(`    rule {`)
			p.l(`      name = "okviz-check-%s"`, g.Key())
			p.l(`      protocols {`)
			p.l(`        type = %q`, typ)
			p.l(`        port = %d`, g.Port)
			p.l(`      }`)
			p.l(`      source_addresses  = ["*"]`)
			p.l(`      destination_fqdns = %s`, hclList(names))
			p.l(`    }`)
			p.l(`  }`)
		}
		if lits := v4Literals(literalsOf(g)); len(lits) > 0 {
			p.blank()
			p.l(`  network_rule_collection {`)
			p.l(`    name     = "okviz-check-%s-ip"`, g.Key())
			p.l(`    priority = %d`, 205+10*i)
			p.l(`    action   = "Allow"`)
			p.l(`    rule {`)
			p.l(`      name                  = "okviz-check-%s-ip"`, g.Key())
			p.l(`      protocols             = ["TCP"]`)
			p.l(`      source_addresses      = ["*"]`)
			p.l(`      destination_addresses = %s`, hclList(hostsOf(lits)))
			p.l(`      destination_ports     = [%q]`, g.Key())
			p.l(`    }`)
			p.l(`  }`)
		}
	}
	p.l(`}`)
}
