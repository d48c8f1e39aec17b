package browser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// maxNetLog caps how much of a NetLog is read: a short run writes about
// a megabyte.
const maxNetLog = 64 << 20

// netLogConstants are the parts of a NetLog's "constants" used here: the
// numbers of event types and the names of net errors.
type netLogConstants struct {
	EventTypes map[string]int `json:"logEventTypes"`
	NetErrors  map[string]int `json:"netError"`
}

type netLogEvent struct {
	Source struct {
		ID int `json:"id"`
	} `json:"source"`
	Type   int `json:"type"`
	Phase  int `json:"phase"` // 1 begin, 2 end, 0 none
	Params struct {
		URL              string `json:"url"`
		NetError         *int   `json:"net_error"`
		ProxyChain       string `json:"proxy_chain"`
		SourceDependency *struct {
			ID int `json:"id"`
		} `json:"source_dependency"`
	} `json:"params"`
}

// NetLogErrors reads a Chromium NetLog (--log-net-log) and returns, for each
// of the target URLs the browser requested, its network error (when every
// request for it failed) and the proxy chain it used. Chromium writes one
// event per line; a log cut short by a killed browser is read up to its
// last whole line.
func NetLogErrors(r io.Reader, targets []string) (map[string]NetLogFacts, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxNetLog), 64<<10)
	var consts netLogConstants
	var events []netLogEvent
	inEvents := false
	for {
		line, err := br.ReadBytes('\n')
		line = bytes.TrimSpace(line)
		switch {
		case bytes.HasPrefix(line, []byte(`{"constants":`)):
			body := bytes.TrimSuffix(bytes.TrimPrefix(line, []byte(`{"constants":`)), []byte(","))
			if json.Unmarshal(body, &consts) != nil {
				return nil, errors.New("netlog: unreadable constants")
			}
		case bytes.HasPrefix(line, []byte(`"events"`)):
			inEvents = true
		case inEvents && bytes.HasPrefix(line, []byte("{")):
			body := bytes.TrimRight(line, ",]")
			var ev netLogEvent
			if json.Unmarshal(body, &ev) == nil {
				events = append(events, ev)
			}
		case inEvents && len(line) > 0:
			inEvents = false // "polledData" and the end
		}
		if err != nil {
			break
		}
	}
	if consts.EventTypes == nil {
		return nil, errors.New("netlog: no constants")
	}
	return netLogFacts(consts, events, targets), nil
}

// netLogFacts follows each URL request for a target: its URL from
// REQUEST_ALIVE (or URL_REQUEST_START_JOB), its error from the end of
// REQUEST_ALIVE, and its proxy chain from the stream job controller it
// was bound to.
func netLogFacts(c netLogConstants, events []netLogEvent, targets []string) map[string]NetLogFacts {
	typ := func(name string) int {
		if v, ok := c.EventTypes[name]; ok {
			return v
		}
		return -1
	}
	alive, startJob := typ("REQUEST_ALIVE"), typ("URL_REQUEST_START_JOB")
	bound, resolved := typ("HTTP_STREAM_JOB_CONTROLLER_BOUND"), typ("HTTP_STREAM_JOB_CONTROLLER_PROXY_SERVER_RESOLVED")
	errName := map[int]string{}
	for name, code := range c.NetErrors {
		errName[code] = name
	}
	want := map[string]bool{}
	for _, t := range targets {
		want[t] = true
	}
	type request struct {
		url        string
		order      int
		done       bool
		err        int
		controller int
	}
	reqs := map[int]*request{}
	chains := map[int]string{}
	get := func(id int) *request {
		if reqs[id] == nil {
			reqs[id] = &request{controller: -1, order: len(reqs)}
		}
		return reqs[id]
	}
	for _, ev := range events {
		p := ev.Params
		switch {
		case (ev.Type == alive || ev.Type == startJob) && ev.Phase == 1 && p.URL != "":
			if r := get(ev.Source.ID); r.url == "" {
				r.url = p.URL
			}
		case ev.Type == alive && ev.Phase == 2:
			r := get(ev.Source.ID)
			r.done = true
			if p.NetError != nil {
				r.err = *p.NetError
			}
		case ev.Type == bound && p.SourceDependency != nil:
			if r, ok := reqs[ev.Source.ID]; ok {
				r.controller = p.SourceDependency.ID
			}
		case ev.Type == resolved && p.ProxyChain != "":
			chains[ev.Source.ID] = p.ProxyChain
		}
	}
	// Requests in the order they began, so "last" means the latest.
	ordered := make([]*request, len(reqs))
	for _, r := range reqs {
		ordered[r.order] = r
	}
	out := map[string]NetLogFacts{}
	succeeded := map[string]bool{}
	for _, r := range ordered {
		if !want[r.url] || !r.done {
			continue
		}
		f := out[r.url]
		if ch := chains[r.controller]; ch != "" {
			f.Route = text(ch)
		}
		if r.err == 0 {
			succeeded[r.url] = true
		} else if name := errName[r.err]; name != "" {
			f.NetError = name
		} else {
			f.NetError = "net error " + strconv.Itoa(r.err)
		}
		out[r.url] = f
	}
	for u := range succeeded {
		f := out[u]
		f.NetError = ""
		out[u] = f
	}
	return out
}
