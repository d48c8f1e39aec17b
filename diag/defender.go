package diag

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Defender Network Protection (the part of Microsoft Defender that extends
// SmartScreen to every program) writes what it blocked to the event log
// channel Microsoft-Windows-Windows Defender/Operational: event 1126 when
// it blocked a connection, 1125 when, in audit mode, it would have. Both
// messages have the same inserts (Defender's message table, as published
// in scheatkode/brain's knowledgebase/systems/windows/event-logs/
// "Microsoft-Windows-Windows Defender.md"): "Detection time: %4",
// "User: %5", "Destination: %6", "Process Name: %7". The names of the
// EventData fields are not documented there, so the fields are read by
// name when they carry a known one (Destination, Path, URL, Hostname,
// Process Name, User) and otherwise by those positions. We read the events
// with `wevtutil qe ... /f:xml`, which prints one <Event> element per event
// and no root element; the parsing below is pure, so it is tested on every
// OS.

const (
	// defenderChannel is the event log channel Defender writes to.
	defenderChannel = "Microsoft-Windows-Windows Defender/Operational"
	evNPAudit       = 1125 // would have been blocked (audit mode)
	evNPBlock       = 1126 // blocked
)

// DefenderEvent is one Network Protection event, as much as the diagnosis
// needs.
type DefenderEvent struct {
	ID      int       `json:"event_id"` // 1126 blocked, 1125 audit
	Time    time.Time `json:"time"`
	Path    string    `json:"destination"` // as Defender wrote it: a URL, a host or an address
	Host    string    `json:"host"`        // the host read from Path
	Process string    `json:"process"`     // the program whose connection it was
	User    string    `json:"user,omitempty"`
}

// Blocked says whether Defender blocked (not only audited) the connection.
func (e DefenderEvent) Blocked() bool { return e.ID == evNPBlock }

// DefenderDetails is the evidence of host.defender.
type DefenderDetails struct {
	// Events are those of the last week that name the target's host,
	// newest first.
	Events []DefenderEvent `json:"events"`
	// Read is how many Network Protection events of the last week were read.
	Read int `json:"events_read"`
}

func (*DefenderDetails) CheckDetails() {}

// The XML wevtutil prints, reduced to what is read.
type wevtEvent struct {
	System struct {
		EventID     int `xml:"EventID"`
		TimeCreated struct {
			SystemTime string `xml:"SystemTime,attr"`
		} `xml:"TimeCreated"`
	} `xml:"System"`
	Data []struct {
		Name  string `xml:"Name,attr"`
		Value string `xml:",chardata"`
	} `xml:"EventData>Data"`
}

// parseDefenderEvents reads wevtutil's output: a sequence of <Event>
// elements without a root. Rather than wrapping it in one (which a stray
// "</root>" in the text would cut short), it is read element by element:
// only <Event> elements, white space, comments and an XML declaration may
// stand at the top level; anything else (an error message printed instead
// of events) is an error. Events other than 1125 and 1126 are left out.
func parseDefenderEvents(out []byte) ([]DefenderEvent, error) {
	var doc struct{ Events []wevtEvent }
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "Event" {
				return nil, fmt.Errorf("unexpected element <%s>", t.Name.Local)
			}
			var we wevtEvent
			if err := dec.DecodeElement(&we, &t); err != nil {
				return nil, err
			}
			doc.Events = append(doc.Events, we)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				text := bytes.TrimSpace(t)
				if len(text) > 60 {
					text = text[:60]
				}
				return nil, fmt.Errorf("unexpected text %q", text)
			}
		case xml.EndElement:
			return nil, fmt.Errorf("unexpected </%s>", t.Name.Local)
		}
	}
	var evs []DefenderEvent
	for _, we := range doc.Events {
		if we.System.EventID != evNPAudit && we.System.EventID != evNPBlock {
			continue
		}
		e := DefenderEvent{ID: we.System.EventID}
		e.Time, _ = time.Parse(time.RFC3339Nano, we.System.TimeCreated.SystemTime)
		// By position first (%N is the Nth Data element), then by name,
		// which wins where Defender names the field.
		at := func(n int) string {
			if n <= len(we.Data) {
				return strings.TrimSpace(we.Data[n-1].Value)
			}
			return ""
		}
		e.User, e.Path, e.Process = at(5), at(6), at(7)
		for _, d := range we.Data {
			v := strings.TrimSpace(d.Value)
			switch strings.ToLower(d.Name) {
			case "destination", "path", "url", "hostname", "remote ip":
				if v != "" {
					e.Path = v
				}
			case "process name":
				e.Process = v
			case "user":
				e.User = v
			}
		}
		e.Host = defenderHost(e.Path)
		evs = append(evs, e)
	}
	return evs, nil
}

// defenderHost reads the host from an event's Path: a URL
// ("https://host:443/x"), a host with a path or port ("host/x",
// "host:443"), a bare host, or an address ("[2001:db8::1]:443").
func defenderHost(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if strings.Contains(p, "://") {
		if u, err := url.Parse(p); err == nil {
			return strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		}
		p = p[strings.Index(p, "://")+3:]
	}
	if i := strings.IndexAny(p, "/?#"); i >= 0 {
		p = p[:i]
	}
	if h, _, err := net.SplitHostPort(p); err == nil {
		p = h
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(p, "[]"), "."))
}

// defenderMatches keeps the events whose host is the target's host or one
// of the addresses it resolved to, newest first.
func defenderMatches(evs []DefenderEvent, host string, addrs []net.IP) []DefenderEvent {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	var out []DefenderEvent
	for _, e := range evs {
		if e.Host == "" {
			continue
		}
		match := e.Host == host
		if ip := net.ParseIP(e.Host); ip != nil && !match {
			for _, a := range addrs {
				if a.Equal(ip) {
					match = true
					break
				}
			}
		}
		if match {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out
}

// defenderCheck turns the events read into host.defender for one target.
// pathFailed says this run's own connection, TLS or HTTP to it failed: a
// block of the host then explains it, so the check fails; otherwise (an
// audit-mode event, or a block while this tool got through) it warns.
func defenderCheck(evs []DefenderEvent, host string, addrs []net.IP, pathFailed bool) Check {
	d := &DefenderDetails{Events: defenderMatches(evs, host, addrs), Read: len(evs)}
	if d.Events == nil {
		d.Events = []DefenderEvent{}
	}
	if len(d.Events) == 0 {
		return newCheck(CheckHostDefender, HostOK,
			"Defender Network Protection neither blocked nor audited "+host+" in the last 7 days ("+
				strconv.Itoa(d.Read)+plural(d.Read, " event", " events")+" read).", d)
	}
	var blocked, audited int
	for _, e := range d.Events {
		if e.Blocked() {
			blocked++
		} else {
			audited++
		}
	}
	last := d.Events[0]
	var parts []string
	if blocked > 0 {
		parts = append(parts, "blocked "+host+" "+strconv.Itoa(blocked)+plural(blocked, " time", " times"))
	}
	if audited > 0 {
		parts = append(parts, "would have blocked it "+strconv.Itoa(audited)+plural(audited, " time", " times")+" (audit mode)")
	}
	summary := "On this PC, Defender Network Protection " + strings.Join(parts, " and ") + " in the last 7 days"
	if !last.Time.IsZero() {
		summary += "; last " + last.Time.UTC().Format("2006-01-02 15:04 UTC")
	}
	if last.Process != "" {
		summary += " for " + last.Process[strings.LastIndexAny(last.Process, `\/`)+1:]
	}
	summary += " (" + last.Path + ")."
	c := newCheck(CheckHostDefender, HostDefenderBlocked, summary, d)
	if blocked > 0 && pathFailed {
		c.Status = StatusFail
	}
	return c
}

// pathFailed says whether the connection, TLS or HTTP checks of a path
// failed: what a Defender block of the host would cause.
func pathFailed(checks []Check) bool {
	for _, c := range checks {
		switch stageOf(c) {
		case "tcp", "tls", "http":
			if c.Status == StatusFail {
				return true
			}
		}
	}
	return false
}

// defenderExplains: a host.defender check that fails is the root cause of
// the path's failure.
func defenderExplains(c Check) bool {
	return c.ID == CheckHostDefender && c.Code == HostDefenderBlocked && c.Status == StatusFail
}

// defenderChannelState reads `wevtutil gl <channel>` (get-log): "name: ..."
// and "enabled: true|false" lines among others. Output without the name
// line means there is no such channel to read (Wine's wevtutil prints
// nothing and succeeds), which must not pass for "no event".
func defenderChannelState(out []byte) (exists, enabled bool) {
	for _, l := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "name":
			exists = strings.EqualFold(strings.TrimSpace(v), defenderChannel)
		case "enabled":
			enabled = strings.EqualFold(strings.TrimSpace(v), "true")
		}
	}
	return exists, exists && enabled
}
