package netclass

// Winsock error numbers, from winerror.h. Kept in a file built everywhere so
// the mapping is tested on every OS.
const (
	wsaEACCES       = 10013
	wsaECONNABORTED = 10053
	wsaECONNRESET   = 10054
	wsaENETDOWN     = 10050
	wsaENETUNREACH  = 10051
	wsaETIMEDOUT    = 10060
	wsaECONNREFUSED = 10061
	wsaEHOSTDOWN    = 10064
	wsaEHOSTUNREACH = 10065
)

// classifyWinsock maps a Winsock error number to a failure kind.
func classifyWinsock(n uintptr) string {
	switch n {
	case wsaECONNREFUSED:
		return Refused
	case wsaECONNRESET:
		return Reset
	case wsaECONNABORTED:
		// "An established connection was aborted by the software in your
		// host computer": a WFP filter, an endpoint agent or Defender
		// Network Protection on this machine, not the network.
		return LocalFirewall
	case wsaENETUNREACH, wsaEHOSTUNREACH, wsaENETDOWN, wsaEHOSTDOWN:
		return Unreachable
	case wsaETIMEDOUT:
		return Timeout
	case wsaEACCES:
		return LocalFirewall
	}
	return ""
}
