#!/usr/bin/env bash
# scripts/bench.sh: measure okviz-check's speed on a local, delayed network
# path and compare it with curl. Run `scripts/bench.sh --help` for details.
set -euo pipefail
export LC_ALL=C

usage() {
	cat <<'EOF'
usage: sudo scripts/bench.sh [options]

Measures okviz-check on a local network path where every packet the client
sends is delayed by a fixed amount, and prints each figure with its target:

  healthy check    `okviz-check check` against `curl` fetching the same
                   https URL: medians over --runs runs, and their ratio
                   (target <= 1.2: one HTTPS request is the floor); and,
                   for comparison, the check with a one-certificate system
                   trust store (curl, given --cacert, loads no system roots)
  black hole       `okviz-check check --timeout T` when every packet is
                   dropped, and when DNS answers but the target's address
                   drops everything (target <= T + 10 %)
  binary size      go build -trimpath -ldflags "-s -w" (target <= 16 MiB)
  cold start       `okviz-check version`, median of 50 runs (target <= 15 ms)
  peak RSS         /usr/bin/time -v of the healthy check (target <= 40 MiB)
  auth proxy       the healthy check through squid asking for NTLM
                   (ntlm_fake_auth) and for Negotiate (negotiate_kerberos_auth
                   with an MIT KDC in the server namespace and a ticket from
                   kinit), against `curl --proxy-ntlm -U user:pass` and
                   `curl --proxy-negotiate -U :` on the same path (target
                   <= 1.1: the handshake's round trips are the floor); skipped,
                   saying why, without squid or the Kerberos packages

It also prints where the healthy check spends its time: the median
duration_ms of each check in okviz-check's JSON report, next to curl's own
phase timings.

The figures are reported, not asserted: PASS/MISS is information, and the
exit status is non-zero only when the benchmark itself could not run.

How: two network namespaces, "client" and "server", only addresses in
198.18.0.0/15. The server runs dnsmasq (bench.okviz.test -> 198.18.0.1,
hole.okviz.test -> 198.18.0.3) and an HTTPS origin with a certificate from a
throwaway CA (internal/benchrelay). The delay is made in user space, since
the kernel's netem qdisc may be missing:

  --mode tun    (default) a delay line between two TUN devices carries every
                IP packet from client to server `--delay` later: the TCP
                handshake, DNS and each TLS/HTTP flight pay it, as on a WAN.
  --mode relay  the namespaces share a veth; a TCP relay in front of the
                origin holds what the client sends for `--delay`. DNS and the
                TCP handshake are free, so extra connections cost nothing.

Everything is built from the work tree (okviz-check as released: CGO off,
stripped) into a temporary directory and removed on exit.

Options:
  --delay D       one-way delay of the client's packets, a Go duration (20ms)
  --runs N        timed runs of each healthy command, at least 10 (20)
  --hole-runs N   runs of each black-hole measurement (5)
  --timeout D     --timeout of the black-hole runs, s or ms (2s)
  --mode M        tun or relay (tun)
  --no-hyperfine  time with the script's own interleaved loop even when
                  hyperfine is installed (useful on a machine whose load drifts)
  --keep          keep the work directory (binaries, certificates, logs)
  --no-auth       skip the authenticating-proxy figures
  --hold          set the path up, print how to use it, and wait for Ctrl-C
                  instead of measuring (to look into a slow stage by hand)
  -h, --help      this text

Needs: Linux, root, Go on PATH (under sudo: sudo env "PATH=$PATH" ...), and
the Debian packages iproute2 iptables dnsmasq-base curl jq; hyperfine and
time are used when present, squid and MIT Kerberos for the auth proxies:
  apt-get install -y iproute2 iptables dnsmasq-base curl jq hyperfine time
  apt-get install -y squid-openssl krb5-kdc krb5-admin-server krb5-user
EOF
}

die() {
	echo "bench: error: $*" >&2
	exit 1
}

note() { echo "bench: $*" >&2; }

# --- options ---------------------------------------------------------------

DELAY=20ms RUNS=20 HOLE_RUNS=5 TIMEOUT=2s MODE=tun KEEP=0 USE_HYPERFINE=1 HOLD=0 AUTH=1
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--delay) DELAY=${2:?--delay needs a value}; shift ;;
	--runs) RUNS=${2:?--runs needs a value}; shift ;;
	--hole-runs) HOLE_RUNS=${2:?--hole-runs needs a value}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout needs a value}; shift ;;
	--mode) MODE=${2:?--mode needs a value}; shift ;;
	--no-hyperfine) USE_HYPERFINE=0 ;;
	--keep) KEEP=1 ;;
	--no-auth) AUTH=0 ;;
	--hold) HOLD=1 ;;
	*) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 10)) || { echo "bench: --runs must be a number >= 10" >&2; exit 2; }
[[ $HOLE_RUNS =~ ^[0-9]+$ ]] && ((HOLE_RUNS >= 1)) || { echo "bench: --hole-runs must be a number >= 1" >&2; exit 2; }
[[ $MODE == tun || $MODE == relay ]] || { echo "bench: --mode must be tun or relay" >&2; exit 2; }
# The black-hole target needs the timeout in seconds.
if [[ $TIMEOUT =~ ^([0-9]+(\.[0-9]+)?)(ms|s)$ ]]; then
	TIMEOUT_S=$(awk -v n="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[3]}" 'BEGIN { print (u == "ms") ? n / 1000 : n }')
else
	echo "bench: --timeout must look like 2s or 1500ms" >&2
	exit 2
fi

# --- prerequisites ---------------------------------------------------------

[[ $(uname -s) == Linux ]] || die "needs Linux (network namespaces)"
((EUID == 0)) || die "needs root for its network namespaces: sudo scripts/bench.sh"
for c in go ip iptables dnsmasq curl jq ss; do
	command -v "$c" >/dev/null || die "$c not found; install: apt-get install -y iproute2 iptables dnsmasq-base curl jq (and Go 1.26 on PATH)"
done
[[ $MODE != tun || -c /dev/net/tun ]] || die "/dev/net/tun is missing; try --mode relay"
HYPERFINE=
((USE_HYPERFINE)) && HYPERFINE=$(command -v hyperfine || true)
GNUTIME=
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && GNUTIME=/usr/bin/time

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ -f $REPO/go.mod ]] || die "cannot find the repository root from $0"

# Nothing from the caller's environment may steer the runs: no proxies, no
# OKVIZ_CHECK_* settings, no user config file.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
unset SSL_CERT_FILE SSL_CERT_DIR # the machine's default trust store, whatever the caller set
while read -r v; do unset "$v"; done < <(compgen -e | grep '^OKVIZ_CHECK_' || true)

# --- work directory, namespaces, clean-up ----------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/okviz-bench.XXXXXX")
ID=$(($$ % 100000))
NS_C=okvb${ID}c NS_S=okvb${ID}s   # namespaces
DEV_C=okvb${ID}c0 DEV_S=okvb${ID}s0 # their links (at most 15 characters)
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	ip netns del "$NS_C" 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
	ip link del "$DEV_C" 2>/dev/null || true
	rm -rf "/etc/netns/$NS_C"
	if ((KEEP)); then note "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'note "a command failed at line $LINENO"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# in_client runs a command inside the client namespace.
in_client() { ip netns exec "$NS_C" "$@"; }

# start_bg NAME NETNS CMD... starts a daemon (NETNS "" for this namespace)
# with stdout in $WORK/NAME.out and stderr in $WORK/NAME.log.
start_bg() {
	local name=$1 ns=$2
	shift 2
	if [[ -n $ns ]]; then
		ip netns exec "$ns" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
	else
		"$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
	fi
	PIDS+=("$!")
}

# wait_for NAME CMD... polls CMD for up to 10 s; the daemon NAME (the last
# one started) must stay alive meanwhile.
wait_for() {
	local name=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name exited during start-up"; }
		sleep 0.1
	done
	cat "$WORK/$name.log" >&2
	die "$name did not get ready within 10 s"
}

note "work directory $WORK, mode $MODE, delay $DELAY"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- build -----------------------------------------------------------------

note "building okviz-check and benchrelay"
(cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$WORK/okviz-check" .) ||
	die "go build of okviz-check failed"
(cd "$REPO" && go build -o "$WORK/benchrelay" ./internal/benchrelay) || die "go build of benchrelay failed"
OKVIZ=$WORK/okviz-check
"$WORK/benchrelay" gencert -dir "$WORK/pki" bench.okviz.test hole.okviz.test >/dev/null
CA=$WORK/pki/ca.pem
: >"$WORK/empty.yaml" # an explicit empty config: no okviz-check.yaml found elsewhere applies

# --- network ----------------------------------------------------------------

note "creating namespaces $NS_C (client) and $NS_S (server)"
ip netns add "$NS_C"
ip netns add "$NS_S"
ip -n "$NS_C" link set lo up
ip -n "$NS_S" link set lo up
if [[ $MODE == tun ]]; then
	start_bg delayline "" "$WORK/benchrelay" delayline -client-dev "$DEV_C" -server-dev "$DEV_S" -delay "$DELAY"
	wait_for delayline grep -q '^ready' "$WORK/delayline.out"
	ip link set dev "$DEV_C" netns "$NS_C"
	ip link set dev "$DEV_S" netns "$NS_S"
else
	ip link add "$DEV_C" type veth peer name "$DEV_S"
	ip link set dev "$DEV_C" netns "$NS_C"
	ip link set dev "$DEV_S" netns "$NS_S"
fi
# Point-to-point addressing on both kinds of link: every other address
# (198.18.0.3 included) is routed to the server side, where the black-hole
# rules can drop it, instead of failing neighbour resolution on the client.
ip -n "$NS_C" addr add 198.18.0.2 peer 198.18.0.1 dev "$DEV_C"
ip -n "$NS_S" addr add 198.18.0.1 peer 198.18.0.2 dev "$DEV_S"
ip -n "$NS_C" link set "$DEV_C" up
ip -n "$NS_S" link set "$DEV_S" up
ip -n "$NS_C" route add default via 198.18.0.1 dev "$DEV_C"

# hole.okviz.test resolves, but its address swallows every packet. The
# drops happen on the far side, as on a real path: a DROP in the client's
# own OUTPUT chain would fail its sends at once with EPERM instead.
ip netns exec "$NS_S" iptables -t raw -A PREROUTING -d 198.18.0.3 -j DROP

# --local makes dnsmasq the authority for okviz.test: AAAA gets an empty
# NOERROR answer, as from a real zone, not REFUSED (which resolvers retry).
start_bg dnsmasq "$NS_S" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=198.18.0.1 --pid-file="$WORK/dnsmasq.pid" --log-facility=- \
	--local=/okviz.test/ --host-record=bench.okviz.test,198.18.0.1 --host-record=hole.okviz.test,198.18.0.3 \
	--host-record=proxy.okviz.test,198.18.0.1
dns_listening() { ip netns exec "$NS_S" ss -Hlun 'sport = :53' | grep -q 198.18.0.1; }
wait_for dnsmasq dns_listening
mkdir -p "/etc/netns/$NS_C"
echo "nameserver 198.18.0.1" >"/etc/netns/$NS_C/resolv.conf" # ip netns exec mounts it on /etc/resolv.conf

if [[ $MODE == tun ]]; then
	start_bg origin "$NS_S" "$WORK/benchrelay" origin -listen 198.18.0.1:443 \
		-cert "$WORK/pki/server.pem" -key "$WORK/pki/server-key.pem"
	wait_for origin grep -q '^ready' "$WORK/origin.out"
else
	start_bg origin "$NS_S" "$WORK/benchrelay" origin -listen 127.0.0.1:8443 \
		-cert "$WORK/pki/server.pem" -key "$WORK/pki/server-key.pem"
	wait_for origin grep -q '^ready' "$WORK/origin.out"
	start_bg relay "$NS_S" "$WORK/benchrelay" relay -listen 198.18.0.1:443 -to 127.0.0.1:8443 -delay "$DELAY"
	wait_for relay grep -q '^ready' "$WORK/relay.out"
fi

# --- the commands compared ------------------------------------------------

URL=https://bench.okviz.test/
CURL_CMD="curl -s -o /dev/null --cacert $CA $URL"
OKVIZ_ARGS="--config $WORK/empty.yaml --dns-compare none --ca-file $CA --public-roots $CA --no-proxy"
OKVIZ_CMD="$OKVIZ check $URL $OKVIZ_ARGS -q"
# The same check with a one-certificate system trust store: the difference
# to OKVIZ_CMD is what loading the machine's roots costs (curl, given
# --cacert, loads none).
mkdir -p "$WORK/nocerts"
OKVIZ_MINROOTS_CMD="env SSL_CERT_FILE=$CA SSL_CERT_DIR=$WORK/nocerts $OKVIZ_CMD"
HOLE_ARGS="https://hole.okviz.test/ $OKVIZ_ARGS --timeout $TIMEOUT"
FULLHOLE_ARGS="$URL $OKVIZ_ARGS --timeout $TIMEOUT"
cd "$WORK"

note "sanity runs"
in_client $CURL_CMD || die "curl cannot fetch $URL through the lab (see $WORK/*.log with --keep)"
if ! in_client $OKVIZ check $URL $OKVIZ_ARGS >"$WORK/sanity.txt" 2>&1; then
	cat "$WORK/sanity.txt" >&2
	die "okviz-check does not pass on the healthy path; the benchmark would time a failure"
fi

# --- authenticating proxies -------------------------------------------------

# squid in the server namespace, in front of the origin: port 3128 asks for
# NTLM (ntlm_fake_auth: any account passes the handshake), port 3129 for
# Negotiate (negotiate_kerberos_auth with a keytab for HTTP/proxy.okviz.test
# from an MIT KDC on 198.18.0.1:88). Both the proxy's handshake and the
# tunnel cross the delay line, as a proxy on the far side of a WAN would.
AUTH_SKIP=
squid_helper() {
	local d
	for d in /usr/lib/squid /usr/lib64/squid /usr/libexec/squid; do
		[[ -x $d/$1 ]] && { echo "$d/$1"; return 0; }
	done
	return 1
}
if ((AUTH)); then
	for c in squid krb5kdc kdb5_util kadmin.local kinit; do
		command -v "$c" >/dev/null || [[ -x /usr/sbin/$c ]] || AUTH_SKIP="$c not found (apt-get install -y squid-openssl krb5-kdc krb5-admin-server krb5-user)"
	done
	[[ -n $AUTH_SKIP ]] || squid_helper ntlm_fake_auth >/dev/null || AUTH_SKIP="squid's ntlm_fake_auth not found"
	[[ -n $AUTH_SKIP ]] || squid_helper negotiate_kerberos_auth >/dev/null || AUTH_SKIP="squid's negotiate_kerberos_auth not found"
else
	AUTH_SKIP="--no-auth"
fi
if [[ -z $AUTH_SKIP ]]; then
	note "starting the KDC and squid (NTLM, Negotiate) in $NS_S"
	KRB=$WORK/krb
	mkdir -p "$KRB"
	chmod 755 "$WORK" "$KRB"
	cat >"$KRB/krb5.conf" <<KRB5
[libdefaults]
  default_realm = OKVIZ.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  dns_canonicalize_hostname = false
[realms]
  OKVIZ.TEST = {
    kdc = 198.18.0.1:88
  }
KRB5
	cat >"$KRB/kdc.conf" <<KDC
[kdcdefaults]
  kdc_listen = 198.18.0.1:88
  kdc_tcp_listen = 198.18.0.1:88
[realms]
  OKVIZ.TEST = {
    database_name = $KRB/principal
    key_stash_file = $KRB/stash
    acl_file = $KRB/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal
  }
KDC
	: >"$KRB/kadm5.acl"
	export KRB5_CONFIG=$KRB/krb5.conf KRB5_KDC_PROFILE=$KRB/kdc.conf KRB5RCACHETYPE=none
	kdb5_util create -s -r OKVIZ.TEST -P "bench-master-$ID" >/dev/null 2>&1 || die "kdb5_util create failed"
	printf 'addprinc -pw bench-Pw-1 bench\naddprinc -randkey HTTP/proxy.okviz.test\nktadd -k %s HTTP/proxy.okviz.test\n' "$KRB/http.keytab" |
		kadmin.local -r OKVIZ.TEST >/dev/null 2>&1 || die "kadmin.local failed"
	chmod 644 "$KRB/http.keytab"
	start_bg krb5kdc "$NS_S" krb5kdc -n -r OKVIZ.TEST
	kdc_listening() { ip netns exec "$NS_S" ss -Hltn 'sport = :88' | grep -q 198.18.0.1; }
	wait_for krb5kdc kdc_listening
	mkdir -p "$WORK/squid" && chmod 777 "$WORK/squid"
	cat >"$WORK/squid/squid.conf" <<SQUID
http_port 198.18.0.1:3128 name=ntlm
http_port 198.18.0.1:3129 name=krb
pid_filename none
cache deny all
cache_mem 8 MB
pinger_enable off
netdb_filename none
shutdown_lifetime 0 seconds
dns_nameservers 198.18.0.1
access_log none
cache_log $WORK/squid/cache.log
auth_param ntlm program $(squid_helper ntlm_fake_auth)
auth_param ntlm children 4 startup=2
auth_param negotiate program $(squid_helper negotiate_kerberos_auth) -k $KRB/http.keytab -s GSS_C_NO_NAME
auth_param negotiate children 4 startup=2
auth_param negotiate keep_alive on
acl port_ntlm myportname ntlm
acl port_krb myportname krb
auth_schemes ntlm port_ntlm
auth_schemes negotiate port_krb
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
SQUID
	start_bg squid "$NS_S" squid -N -n "okvb$ID" -f "$WORK/squid/squid.conf"
	squid_listening() { ip netns exec "$NS_S" ss -Hltn 'sport = :3129' | grep -q 198.18.0.1; }
	wait_for squid squid_listening
	export KRB5CCNAME=FILE:$KRB/ccache
	echo bench-Pw-1 | in_client kinit bench@OKVIZ.TEST >/dev/null 2>&1 || die "kinit in $NS_C failed"

	NTLM_PROXY=http://proxy.okviz.test:3128 KRB_PROXY=http://proxy.okviz.test:3129
	CURL_NTLM_CMD="curl -s -o /dev/null --cacert $CA --proxy $NTLM_PROXY --proxy-ntlm -U bench:bench-Pw-1 $URL"
	CURL_KRB_CMD="curl -s -o /dev/null --cacert $CA --proxy $KRB_PROXY --proxy-negotiate -U : $URL"
	AUTH_ARGS="--config $WORK/empty.yaml --dns-compare none --ca-file $CA --public-roots $CA"
	OKVIZ_NTLM_CMD="$OKVIZ check $URL $AUTH_ARGS --proxy http://bench:bench-Pw-1@proxy.okviz.test:3128 -q"
	OKVIZ_KRB_CMD="$OKVIZ check $URL $AUTH_ARGS --proxy $KRB_PROXY -q"
	note "sanity runs through the auth proxies"
	for c in "$CURL_NTLM_CMD" "$CURL_KRB_CMD"; do
		in_client $c || die "curl through the auth proxy failed: $c (see $WORK/squid/cache.log with --keep)"
	done
	for c in "$OKVIZ_NTLM_CMD" "$OKVIZ_KRB_CMD"; do
		if ! in_client ${c% -q} >"$WORK/sanity-auth.txt" 2>&1; then
			cat "$WORK/sanity-auth.txt" >&2
			die "okviz-check does not pass through the auth proxy: $c"
		fi
	done
else
	note "authenticating proxies skipped: $AUTH_SKIP"
fi

if ((HOLD)); then
	cat <<EOF
The benchmark path is up until Ctrl-C. Try, for example:
  ip netns exec $NS_C $OKVIZ check $URL $OKVIZ_ARGS -v -o json
  ip netns exec $NS_C $CURL_CMD -w '%{time_connect} %{time_appconnect} %{time_total}\n'
Through the auth proxies (unless skipped): ${OKVIZ_NTLM_CMD:-skipped}
  ${OKVIZ_KRB_CMD:-} (KRB5_CONFIG=${KRB5_CONFIG:-} KRB5CCNAME=${KRB5CCNAME:-})
Black holes: hole.okviz.test, or everything with
  ip netns exec $NS_S iptables -t raw -I PREROUTING 1 -i $DEV_S -j DROP
EOF
	sleep infinity &
	PIDS+=("$!")
	wait "$!"
fi

# --- timing ---------------------------------------------------------------

# loop_times RUNS WARMUP OUT NAME CMD [NAME CMD]... runs the commands in turn
# (interleaved, so a drifting machine load hits all alike) and appends
# "NAME SECONDS" lines to OUT. Defined for use inside a namespace.
loop_times() {
	local runs=$1 warm=$2 out=$3 i r s e
	shift 3
	local -a names=() cmds=()
	while (($#)); do names+=("$1"); cmds+=("$2"); shift 2; done
	for ((r = -warm; r < runs; r++)); do
		for i in "${!cmds[@]}"; do
			s=$EPOCHREALTIME
			${cmds[i]} >/dev/null 2>&1 </dev/null
			e=$EPOCHREALTIME
			((r < 0)) || echo "${names[i]} $s $e" >>"$out"
		done
	done
	awk '{ printf "%s %.6f\n", $1, $3 - $2 }' "$out" >"$out.tmp" && mv "$out.tmp" "$out"
}

# time_cmds NETNS RUNS WARMUP IGNORE_FAIL NAME CMD [NAME CMD]... times the
# commands with hyperfine (no shell) or loop_times and leaves "NAME MEDIAN MIN
# MAX CPU" lines, in seconds, in $WORK/times.NAME: CPU is the mean user+system
# time (hyperfine only, else "-"), a figure the machine's load barely moves.
# NETNS "" means this namespace.
time_cmds() {
	local ns=$1 runs=$2 warm=$3 ignore=$4
	shift 4
	local -a pre=() hf=() args=("$@")
	[[ -n $ns ]] && pre=(ip netns exec "$ns")
	local raw
	raw=$(mktemp "$WORK/raw.XXXXXX")
	if [[ -n $HYPERFINE ]]; then
		((ignore)) && hf+=(-i)
		while (($#)); do hf+=(-n "$1" "$2"); shift 2; done
		"${pre[@]}" "$HYPERFINE" -N --style none -w "$warm" -r "$runs" --export-csv "$raw" "${hf[@]}" \
			>/dev/null 2>>"$WORK/hyperfine.log" || { cat "$WORK/hyperfine.log" >&2; die "hyperfine failed"; }
		# command,mean,stddev,median,user,system,min,max
		awk -F, -v dir="$WORK" 'NR > 1 { print $1, $4, $7, $8, $5 + $6 > (dir "/times." $1) }' "$raw"
	else
		"${pre[@]}" bash -c "$(declare -f loop_times); loop_times $runs $warm $raw $(printf '%q ' "${args[@]}")"
		local name
		for ((i = 0; i < ${#args[@]}; i += 2)); do
			name=${args[i]}
			awk -v n="$name" '$1 == n { print $2 }' "$raw" | sort -g |
				awk -v n="$name" '{ v[NR] = $1 } END {
					m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
					print n, m, v[1], v[NR], "-" }' >"$WORK/times.$name"
		done
	fi
}

# fig NAME FIELD: 2 median, 3 min, 4 max, 5 CPU (seconds)
fig() { awk -v f="$2" '{ print $f }' "$WORK/times.$1"; }

TIMER="own interleaved loop"
[[ -z $HYPERFINE ]] || TIMER="hyperfine $("$HYPERFINE" --version | awk '{ print $2 }')"
note "timing the healthy check against curl ($RUNS runs each, $TIMER)"
time_cmds "$NS_C" "$RUNS" 3 0 curl "$CURL_CMD" okviz "$OKVIZ_CMD" minroots "$OKVIZ_MINROOTS_CMD"

note "timing black holes ($HOLE_RUNS runs each, --timeout $TIMEOUT)"
time_cmds "$NS_C" "$HOLE_RUNS" 0 1 hole "$OKVIZ check $HOLE_ARGS -q"
HOLE_VERDICT=$(in_client $OKVIZ check $HOLE_ARGS -o json 2>/dev/null | jq -r '.targets[0].verdict.code' || true)
ip netns exec "$NS_S" iptables -t raw -I PREROUTING 1 -i "$DEV_S" -j DROP # everything vanishes
time_cmds "$NS_C" "$HOLE_RUNS" 0 1 fullhole "$OKVIZ check $FULLHOLE_ARGS -q"
FULLHOLE_VERDICT=$(in_client $OKVIZ check $FULLHOLE_ARGS -o json 2>/dev/null | jq -r '.targets[0].verdict.code' || true)
ip netns exec "$NS_S" iptables -t raw -D PREROUTING -i "$DEV_S" -j DROP

note "timing cold start (okviz-check version, 50 runs)"
time_cmds "" 50 5 0 version "$OKVIZ version"

# --- timing through the authenticating proxies -------------------------------

if [[ -z $AUTH_SKIP ]]; then
	note "timing checks through the auth proxies ($RUNS runs each, $TIMER)"
	time_cmds "$NS_C" "$RUNS" 3 0 curl_ntlm "$CURL_NTLM_CMD" okviz_ntlm "$OKVIZ_NTLM_CMD" \
		curl_krb "$CURL_KRB_CMD" okviz_krb "$OKVIZ_KRB_CMD"
fi

# --- peak memory -----------------------------------------------------------

rss_kib() { # max "Maximum resident set size" over 5 runs of CMD in the client
	local m=0 v i
	for ((i = 0; i < 5; i++)); do
		v=$(in_client "$GNUTIME" -v $1 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }')
		((v > m)) && m=$v
	done
	echo "$m"
}
RSS_OKVIZ= RSS_CURL=
if [[ -n $GNUTIME ]]; then
	note "measuring peak RSS (5 runs each)"
	RSS_OKVIZ=$(rss_kib "$OKVIZ_CMD")
	RSS_CURL=$(rss_kib "$CURL_CMD")
else
	note "GNU time not found (apt-get install -y time): peak RSS not measured"
fi

# --- where the time goes ---------------------------------------------------

note "collecting per-stage timings (5 runs each)"
# One shell in the namespace runs them all, timing each okviz-check run's
# wall clock too: what the report's duration_ms leaves out is process start,
# configuration and proxy discovery before the probes, and exit.
in_client bash -c '
	for i in 1 2 3 4 5; do
		s=$EPOCHREALTIME
		"$@" -o json >"report.$i.json" 2>/dev/null
		e=$EPOCHREALTIME
		echo "$s $e" >>walls.txt
	done' _ $OKVIZ check $URL $OKVIZ_ARGS || true
for i in 1 2 3 4 5; do
	in_client curl -s -o /dev/null --cacert "$CA" -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n' "$URL" >>"$WORK/curl-phases.txt"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results --------------------------------------------------------------

ms() { awk -v s="$1" 'BEGIN { if (s == "-") print "n/a"; else printf "%.1f ms", s * 1000 }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }

CURL_MED=$(fig curl 2) OKVIZ_MED=$(fig okviz 2)
RATIO=$(awk -v a="$OKVIZ_MED" -v b="$CURL_MED" 'BEGIN { printf "%.2f", a / b }')
HOLE_LIMIT=$(awk -v t="$TIMEOUT_S" 'BEGIN { print t * 1.1 }')
HOLE_MED=$(fig hole 2) HOLE_MAX=$(fig hole 4)
FULLHOLE_MED=$(fig fullhole 2) FULLHOLE_MAX=$(fig fullhole 4)
SIZE=$(stat -c %s "$OKVIZ" 2>/dev/null || wc -c <"$OKVIZ")
SIZE_MIB=$(awk -v b="$SIZE" 'BEGIN { printf "%.1f", b / 1048576 }')
VERSION_MED=$(fig version 2)

cat <<EOF

okviz-check benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')
  machine:   $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)
  load avg:  $LOAD_BEFORE before, $LOAD_AFTER after (1, 5, 15 min)
  build:     $(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo unknown), $(go version | awk '{ print $3 }')
  path:      --mode $MODE, client packets delayed $DELAY; timer: $TIMER

| figure | measured | target | result |
|---|---|---|---|
| curl, healthy path (median of $RUNS) | $(ms "$CURL_MED") (min $(ms "$(fig curl 3)"), CPU $(ms "$(fig curl 5)")) | | |
| okviz-check check, healthy path (median of $RUNS) | $(ms "$OKVIZ_MED") (min $(ms "$(fig okviz 3)"), CPU $(ms "$(fig okviz 5)")) | | |
| ratio okviz-check / curl | $RATIO | <= 1.2 | $(verdict "$RATIO" 1.2) |
| for comparison: okviz-check with a one-certificate system trust store (median of $RUNS) | $(ms "$(fig minroots 2)") (CPU $(ms "$(fig minroots 5)"), ratio $(awk -v a="$(fig minroots 2)" -v b="$CURL_MED" 'BEGIN { printf "%.2f", a / b }')) | | |
| black hole, every packet dropped, --timeout $TIMEOUT (median / max of $HOLE_RUNS; verdict $FULLHOLE_VERDICT) | $(ms "$FULLHOLE_MED") / $(ms "$FULLHOLE_MAX") | <= $(ms "$HOLE_LIMIT") | $(verdict "$FULLHOLE_MAX" "$HOLE_LIMIT") |
| black hole, DNS answers, target drops all (median / max of $HOLE_RUNS; verdict $HOLE_VERDICT) | $(ms "$HOLE_MED") / $(ms "$HOLE_MAX") | <= $(ms "$HOLE_LIMIT") | $(verdict "$HOLE_MAX" "$HOLE_LIMIT") |
| binary size (linux/$(go env GOARCH), CGO off, -s -w) | $SIZE_MIB MiB | <= 16 MiB | $(verdict "$SIZE_MIB" 16) |
| cold start, okviz-check version (median of 50) | $(ms "$VERSION_MED") (min $(ms "$(fig version 3)"), CPU $(ms "$(fig version 5)")) | <= 15 ms | $(verdict "$VERSION_MED" 0.015) |
EOF
if [[ -z $AUTH_SKIP ]]; then
	for scheme in ntlm krb; do
		label=NTLM curl_flag="--proxy-ntlm -U user:pass"
		[[ $scheme == krb ]] && label=Negotiate curl_flag="--proxy-negotiate -U :"
		c=$(fig "curl_$scheme" 2) o=$(fig "okviz_$scheme" 2)
		r=$(awk -v a="$o" -v b="$c" 'BEGIN { printf "%.2f", a / b }')
		echo "| curl $curl_flag, through squid asking for $label (median of $RUNS) | $(ms "$c") (CPU $(ms "$(fig "curl_$scheme" 5)")) | | |"
		echo "| okviz-check check through the same proxy (median of $RUNS) | $(ms "$o") (CPU $(ms "$(fig "okviz_$scheme" 5)")) | | |"
		echo "| ratio okviz-check / curl, $label proxy | $r | <= 1.1 | $(verdict "$r" 1.1) |"
	done
else
	echo "| through an authenticating proxy (NTLM, Negotiate) | skipped: $AUTH_SKIP | <= 1.1 | |"
fi
if [[ -n $RSS_OKVIZ ]]; then
	echo "| peak RSS, healthy check (max of 5; curl: $(awk -v k="$RSS_CURL" 'BEGIN { printf "%.1f MiB", k / 1024 }')) | $(awk -v k="$RSS_OKVIZ" 'BEGIN { printf "%.1f", k / 1024 }') MiB | <= 40 MiB | $(verdict "$RSS_OKVIZ" 40960) |"
else
	echo "| peak RSS, healthy check | not measured (no GNU time) | <= 40 MiB | |"
fi

echo
echo "CPU: mean user+system time of one run (hyperfine); unlike wall time, it barely moves with the load."
echo
echo "Where the healthy check spends its time (median duration_ms of 5 JSON reports):"
jq -s -r '
	def median: sort | .[length / 2 | floor];
	"  whole run (duration_ms)  \(map(.duration_ms) | median) ms",
	(map(.targets[0].checks[]) | group_by(.id)[] |
		"  \(.[0].id | . + " " * ([24 - length, 1] | max)) \(map(.duration_ms) | median) ms")
' "$WORK"/report.*.json
jq -r .duration_ms "$WORK"/report.[1-5].json | paste -d' ' "$WORK/walls.txt" - |
	awk '{ print ($2 - $1) * 1000 - $3 }' | sort -g |
	awk '{ v[NR] = $1 } END { printf "  outside duration_ms      %.0f ms (process start, config, proxy discovery, exit)\n", v[int((NR + 1) / 2)] }'
printf 'curl phases (median of 5, cumulative):'
i=1
for label in DNS TCP-connected TLS-done first-byte total; do
	awk -v i=$i '{ print $i }' "$WORK/curl-phases.txt" | sort -g |
		awk -v l=$label '{ v[NR] = $1 } END { printf " %s %.1f ms", l, v[int((NR + 1) / 2)] * 1000 }'
	i=$((i + 1))
done
echo
