package pac

import (
	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// install prepares a fresh runtime: limits, clock, hardened built-ins and
// the PAC functions. Each function is written in Go from the documented
// behaviour of the browsers' helpers (see the pac*.go files for each).
// They are ordinary writable globals, as in browsers: a script may
// replace them, and may call them from its global code.
func (st *pacState) install() error {
	vm := st.vm
	vm.SetMaxCallStackSize(pacMaxCallDepth)
	vm.SetTimeSource(st.env.Now)
	vm.SetParserOptions(parser.WithDisableSourceMaps) // eval() and Function() too
	g := vm.GlobalObject()
	st.toString, _ = goja.AssertFunction(g.Get("String"))
	st.syntaxError, _ = g.Get("SyntaxError").(*goja.Object)
	st.rangeError, _ = g.Get("RangeError").(*goja.Object)
	if err := st.harden(); err != nil {
		return err
	}
	for name, fn := range st.helpers() {
		if err := vm.Set(name, fn); err != nil {
			return err
		}
	}
	return nil
}

type pacHelper = func(goja.FunctionCall) goja.Value

func (st *pacState) helpers() map[string]pacHelper {
	vm := st.vm
	boolean := func(b bool) goja.Value { return vm.ToValue(b) }
	return map[string]pacHelper{
		"isPlainHostName": func(call goja.FunctionCall) goja.Value {
			if !goja.IsString(call.Argument(0)) {
				panic(vm.NewTypeError("Requires 1 string parameter"))
			}
			return boolean(pacIsPlainHostName(call.Argument(0).String()))
		},
		"dnsDomainIs": func(call goja.FunctionCall) goja.Value {
			host, domain := st.stringArg(call, 0), st.stringArg(call, 1)
			return boolean(len(host) >= len(domain) && host[len(host)-len(domain):] == domain)
		},
		"localHostOrDomainIs": func(call goja.FunctionCall) goja.Value {
			host, hostdom := pacValueOf(call.Argument(0)).str, st.stringArg(call, 1)
			return boolean(host == hostdom || len(hostdom) > len(host) && hostdom[:len(host)+1] == host+".")
		},
		"dnsDomainLevels": func(call goja.FunctionCall) goja.Value {
			host := st.stringArg(call, 0)
			n := 0
			for i := 0; i < len(host); i++ {
				if host[i] == '.' {
					n++
				}
			}
			return vm.ToValue(n)
		},
		"shExpMatch": func(call goja.FunctionCall) goja.Value {
			s, pattern := pacValueOf(call.Argument(0)).str, st.stringArg(call, 1)
			ok, err := st.shExpMatch(s, pattern)
			if err != nil {
				st.throw(st.syntaxError, "shExpMatch: invalid pattern "+pacTruncate(pattern, 100)+": "+err.Error())
			}
			return boolean(ok)
		},
		"isResolvable": func(call goja.FunctionCall) goja.Value {
			if !goja.IsString(call.Argument(0)) {
				return boolean(false)
			}
			_, ok := st.dnsResolve(call.Argument(0).String())
			return boolean(ok)
		},
		"dnsResolve": func(call goja.FunctionCall) goja.Value {
			if !goja.IsString(call.Argument(0)) {
				return goja.Null()
			}
			if ip, ok := st.dnsResolve(call.Argument(0).String()); ok {
				return vm.ToValue(ip)
			}
			return goja.Null()
		},
		"isInNet": func(call goja.FunctionCall) goja.Value {
			hv := call.Argument(0)
			host := pacValueOf(hv).str
			pattern, mask := pacValueOf(call.Argument(1)).str, pacValueOf(call.Argument(2)).str
			if !pacIsValidIPv4(pattern) || !pacIsValidIPv4(mask) {
				return boolean(false)
			}
			if !pacIsValidIPv4(host) {
				if !goja.IsString(hv) {
					return boolean(false)
				}
				ip, ok := st.dnsResolve(host)
				if !ok {
					return boolean(false)
				}
				host = ip
			}
			return boolean(pacIsInNetAddr(host, pattern, mask))
		},
		"myIpAddress": func(goja.FunctionCall) goja.Value {
			return vm.ToValue(pacMyIPAddress(st.env.MyIP))
		},
		"convert_addr": func(call goja.FunctionCall) goja.Value {
			return vm.ToValue(int64(pacConvertAddr(st.stringArg(call, 0))))
		},
		"isValidIpAddress": func(call goja.FunctionCall) goja.Value {
			return boolean(pacIsValidIPv4(pacValueOf(call.Argument(0)).str))
		},
		"weekdayRange": func(call goja.FunctionCall) goja.Value {
			return boolean(pacWeekdayRange(st.env.Now(), pacArgs(call)))
		},
		"dateRange": func(call goja.FunctionCall) goja.Value {
			return boolean(pacDateRange(st.env.Now(), pacArgs(call)))
		},
		"timeRange": func(call goja.FunctionCall) goja.Value {
			ok, err := pacTimeRange(st.env.Now(), pacArgs(call))
			if err != nil {
				// The browsers' library throws this message as a bare string.
				panic(vm.ToValue(err.Error()))
			}
			return boolean(ok)
		},
		"alert": func(call goja.FunctionCall) goja.Value {
			st.alert(call.Argument(0).String())
			return goja.Undefined()
		},

		// Microsoft's IPv6-aware extensions, which Chromium defines for every script.
		"isResolvableEx": func(call goja.FunctionCall) goja.Value {
			return boolean(goja.IsString(call.Argument(0)) && st.dnsResolveEx(call.Argument(0).String()) != "")
		},
		"dnsResolveEx": func(call goja.FunctionCall) goja.Value {
			if !goja.IsString(call.Argument(0)) {
				return goja.Null()
			}
			return vm.ToValue(st.dnsResolveEx(call.Argument(0).String()))
		},
		"myIpAddressEx": func(goja.FunctionCall) goja.Value {
			return vm.ToValue(pacJoinIPs(st.env.MyIP))
		},
		"isInNetEx": func(call goja.FunctionCall) goja.Value {
			ip, prefix := call.Argument(0), call.Argument(1)
			if !goja.IsString(ip) || !goja.IsString(prefix) {
				return goja.Null()
			}
			return boolean(pacIsInNetEx(ip.String(), prefix.String()))
		},
		"sortIpAddressList": func(call goja.FunctionCall) goja.Value {
			if !goja.IsString(call.Argument(0)) {
				return goja.Null()
			}
			if s, ok := pacSortIPAddressList(call.Argument(0).String()); ok {
				return vm.ToValue(s)
			}
			return boolean(false)
		},
		"getClientVersion": func(goja.FunctionCall) goja.Value {
			return vm.ToValue("1.0")
		},
	}
}

// stringArg is argument i as the string methods of the JavaScript helpers
// see it: null and undefined throw a TypeError (the original reads a
// property of it), anything else is converted to a string.
func (st *pacState) stringArg(call goja.FunctionCall, i int) string {
	v := pacValueOf(call.Argument(i))
	if v.null || v.undefined {
		panic(st.vm.NewTypeError("Cannot read properties of " + v.str))
	}
	return v.str
}

// throw throws a new error of the given constructor (the original,
// captured before the script ran), or a TypeError if there is none.
func (st *pacState) throw(ctor *goja.Object, msg string) {
	if ctor != nil {
		if e, err := st.vm.New(ctor, st.vm.ToValue(msg)); err == nil {
			panic(e)
		}
	}
	panic(st.vm.NewTypeError(msg))
}

// alert keeps a bounded number of bounded messages.
func (st *pacState) alert(msg string) {
	if len(st.ev.Alerts) >= MaxAlerts {
		st.ev.AlertsDropped++
		return
	}
	st.ev.Alerts = append(st.ev.Alerts, pacTruncate(msg, MaxAlertLength))
}
