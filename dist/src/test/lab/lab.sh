#!/usr/bin/env bash
# lab.sh: a network of real hosts in Linux network namespaces, for Hamlet's lab tests (DESIGN.md, tests tier 4).
# Root only. `lab.sh help` says how.
#
# The layout, every name starting with hamlet-lab so that `down` finds only what the lab made:
#
#   namespace hamlet-lab-br      the switch: bridge hamlet-lab-data (the hosts' network) and bridge hamlet-lab-mgmt
#                                (the test's way in), nothing else
#   namespace hamlet-lab-N       host N: lo, hamlet-lab-hN = 10.77.0.N/24 (its cable into hamlet-lab-data, whose
#                                port is hamlet-lab-bN) and hamlet-lab-aN = 10.77.1.N/24 (its management cable into
#                                hamlet-lab-mgmt, port hamlet-lab-mN; ports isolated: hosts cannot talk on it)
#   root namespace               one veth, hamlet-lab-root = 10.77.1.254/24, into hamlet-lab-mgmt (port
#                                hamlet-lab-rm): the test JVM reaches each node's admin API at 10.77.1.N. That veth
#                                and its connected route are the only things the lab adds outside its namespaces;
#                                nothing of the machine's own network is changed.
#
# Faults act on the data network only, so the test can always read every node's admin API:
#   cable N down|up     ip link set hamlet-lab-bN down|up in the switch: silence, no reset (the host keeps its
#                       address; its packets go nowhere and nobody's reach it)
#   loss N P [dir]      nft table inet hamlet-lab-loss in host N: drop P % of the packets coming in on (in, the
#                       default), going out of (out) or both ways through hamlet-lab-hN (numgen random mod 100 < P)
#   partition "1,2|3"   nft table inet hamlet-lab-part in every host: drop what comes in from the hosts of the other
#                       sides. Only incoming packets are dropped, on both sides: a sender gets no error and no
#                       reset, only silence (an output drop would fail the sender's connect() with EPERM at once)
set -euo pipefail

readonly PREFIX=hamlet-lab
readonly SWITCH_NS=hamlet-lab-br
readonly DATA_BRIDGE=hamlet-lab-data
readonly MGMT_BRIDGE=hamlet-lab-mgmt
readonly ROOT_IF=hamlet-lab-root
readonly ROOT_PEER=hamlet-lab-rm
readonly DATA_NET=10.77.0
readonly MGMT_NET=10.77.1
readonly ROOT_ADDR=$MGMT_NET.254
readonly MAX_HOSTS=99
readonly LOSS_TABLE=hamlet-lab-loss
readonly PART_TABLE=hamlet-lab-part

usage() {
  cat <<EOF
usage: $0 COMMAND [ARGS]

  check               exit 0 when the lab can run here (root, ip netns usable), else say why and exit 1
  up N                create the switch and hosts 1..N (after a down); host N is 10.77.0.N, its admin side
                      10.77.1.N, the root namespace 10.77.1.254; installs nftables when nft is missing
  down                remove every namespace and link the lab made, killing the processes left in its
                      namespaces (idempotent)
  status              the lab's namespaces, cables and nft tables
  cable N down|up     pull host N's cable out of the switch (silence, not a reset), or plug it back
  loss N P [in|out|both]
                      drop P % (0-100) of host N's packets on the data network, incoming by default; P = 0
                      removes the loss
  partition "1,2|3"   cut the data network between the sides (each side's hosts still reach each other);
                      replaces an earlier partition; hosts not named stay reachable from every side
  heal                remove the partition
  clear               every cable in, no loss, no partition
  exec N CMD...       run CMD in host N's namespace
  help                this text

Addresses: data 10.77.0.0/24, management 10.77.1.0/24; up refuses when the machine already uses them.
EOF
}

die() {
  echo "lab: $*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "the lab needs root (network namespaces, veth, nft): run it as root, e.g. sudo $0 $*"
}

host_ns() { echo "$PREFIX-$1"; }

require_host() {
  [[ "$1" =~ ^[1-9][0-9]?$ ]] || die "'$1' is not a host number (1-$MAX_HOSTS)"
  ip netns list | awk '{print $1}' | grep -qx "$(host_ns "$1")" || die "no host $1 in the lab (lab.sh up N first)"
}

# --- nft: installed from the Debian packages when missing --------------------------------------------------------
ensure_nft() {
  command -v nft >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "nft is missing and there is no apt-get to install nftables with"
  echo "lab: nft is missing; installing nftables with apt-get" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >&2 \
      || die "could not install nftables (apt-get install -y nftables)"
  fi
  command -v nft >/dev/null 2>&1 || die "nftables installed, but still no nft on the PATH"
}

# --- the address range must be free on this machine --------------------------------------------------------------
ip_to_int() {
  local IFS=.
  # shellcheck disable=SC2086
  set -- $1
  echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
}

# Whether a.b.c.d[/n] overlaps 10.77.0.0/23 (both lab networks). A /0 (a default route) is not a clash.
overlaps_lab() {
  local prefix="$1" addr len
  addr="${prefix%/*}"
  len=32
  [[ "$prefix" == */* ]] && len="${prefix#*/}"
  (( len == 0 )) && return 1
  local lab lab_len=23 shorter mask
  lab=$(ip_to_int "$DATA_NET.0")
  shorter=$(( len < lab_len ? len : lab_len ))
  mask=$(( (0xFFFFFFFF << (32 - shorter)) & 0xFFFFFFFF ))
  (( ($(ip_to_int "$addr") & mask) == (lab & mask) ))
}

check_range_free() {
  local prefix
  while read -r prefix; do
    [ -n "$prefix" ] || continue
    if overlaps_lab "$prefix"; then
      die "the machine already uses $prefix, which overlaps the lab's 10.77.0.0/23: not touching it" \
        "(see ip -4 addr / ip -4 route show table all)"
    fi
  done < <( { ip -4 -o addr show | awk '{print $4}'
              ip -4 -o route show table all | grep -Eo '([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?'; } | sort -u)
}

# --- check ---------------------------------------------------------------------------------------------------------
cmd_check() {
  [ "$(id -u)" -eq 0 ] || { echo "lab: not root (uid $(id -u)): the lab needs root"; exit 1; }
  command -v ip >/dev/null 2>&1 || { echo "lab: no ip command (iproute2)"; exit 1; }
  local probe="$PREFIX-probe-$$" out
  if ! out=$(ip netns add "$probe" 2>&1); then
    echo "lab: ip netns is unusable here: $out"
    exit 1
  fi
  if ! out=$(ip -n "$probe" link add "$PREFIX-pb" type bridge 2>&1 && ip -n "$probe" link add "$PREFIX-pa" \
      type veth peer name "$PREFIX-pz" 2>&1); then
    ip netns del "$probe" 2>/dev/null || true
    echo "lab: a namespace works but bridges or veth pairs do not: $out"
    exit 1
  fi
  ip netns del "$probe"
  echo "lab: usable (root, ip netns, bridge, veth)"
}

# --- up ------------------------------------------------------------------------------------------------------------
cmd_up() {
  local n="${1:-}"
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "up needs a number of hosts, 1-$MAX_HOSTS (got '${n}')"
  require_root up "$n"
  command -v ip >/dev/null 2>&1 || die "no ip command (iproute2)"
  ensure_nft
  cmd_down >/dev/null
  check_range_free
  trap 'echo "lab: up failed; removing what it made" >&2; cmd_down >/dev/null 2>&1 || true' ERR

  ip netns add "$SWITCH_NS"
  ip -n "$SWITCH_NS" link set lo up
  ip -n "$SWITCH_NS" link add "$DATA_BRIDGE" type bridge
  ip -n "$SWITCH_NS" link add "$MGMT_BRIDGE" type bridge
  ip -n "$SWITCH_NS" link set "$DATA_BRIDGE" up
  ip -n "$SWITCH_NS" link set "$MGMT_BRIDGE" up

  # The root namespace's way into the management network (a veth made here and moved: its peer end lives in the
  # switch).
  ip link add "$ROOT_IF" type veth peer name "$ROOT_PEER" netns "$SWITCH_NS"
  ip -n "$SWITCH_NS" link set "$ROOT_PEER" master "$MGMT_BRIDGE" up
  ip addr add "$ROOT_ADDR/24" dev "$ROOT_IF"
  ip link set "$ROOT_IF" up

  local i ns
  for ((i = 1; i <= n; i++)); do
    ns=$(host_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$SWITCH_NS" link add "$PREFIX-b$i" type veth peer name "$PREFIX-h$i" netns "$ns"
    ip -n "$SWITCH_NS" link set "$PREFIX-b$i" master "$DATA_BRIDGE" up
    ip -n "$ns" addr add "$DATA_NET.$i/24" dev "$PREFIX-h$i"
    ip -n "$ns" link set "$PREFIX-h$i" up
    ip -n "$SWITCH_NS" link add "$PREFIX-m$i" type veth peer name "$PREFIX-a$i" netns "$ns"
    ip -n "$SWITCH_NS" link set "$PREFIX-m$i" master "$MGMT_BRIDGE" up
    # Hosts do not talk to each other on the management network, only to the root namespace.
    ip -n "$SWITCH_NS" link set "$PREFIX-m$i" type bridge_slave isolated on 2>/dev/null || true
    ip -n "$ns" addr add "$MGMT_NET.$i/24" dev "$PREFIX-a$i"
    ip -n "$ns" link set "$PREFIX-a$i" up
  done
  trap - ERR
  # Both ends up and the bridges forwarding (a bridge port starts forwarding at once with STP off, the default).
  for ((i = 1; i <= n; i++)); do
    await_reach "$i" "$ROOT_ADDR"
    if [ "$i" -gt 1 ]; then
      await_reach "$i" "$DATA_NET.1"
    fi
  done
  echo "lab: up, $n hosts: host N is $DATA_NET.N (data) and $MGMT_NET.N (admin); this namespace is $ROOT_ADDR"
}

# Whether host N reaches ADDR: a TCP connect to its port 9 (discard; nothing listens there) answered at once,
# by a reset or by a listener, proves the path; silence does not. A few tries (a fresh veth may take a moment).
await_reach() {
  local try out
  for try in 1 2 3 4 5; do
    out=$(ip netns exec "$(host_ns "$1")" timeout 1 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1) && return 0
    [[ "$out" == *"refused"* ]] && return 0
  done
  die "host $1 cannot reach $2 after up (${out:-no answer})"
}

# --- down ----------------------------------------------------------------------------------------------------------
lab_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$PREFIX-" || true
}

cmd_down() {
  require_root down
  local ns pids
  for ns in $(lab_namespaces); do
    # What still runs in a lab namespace was started there for the lab (a node): end it, by pid.
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      echo "lab: killing what still runs in $ns: $(echo $pids)"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
    fi
  done
  if ip link show "$ROOT_IF" >/dev/null 2>&1; then
    ip link del "$ROOT_IF"
  fi
  for ns in $(lab_namespaces); do
    ip netns del "$ns" 2>/dev/null || true
  done
  local left
  left="$(lab_namespaces)$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E "^$PREFIX" || true)"
  [ -z "$left" ] || die "down left these behind: $left"
  echo "lab: down (no hamlet-lab namespace or link left)"
}

# --- status --------------------------------------------------------------------------------------------------------
cmd_status() {
  require_root status
  local ns
  if ! ip netns list | awk '{print $1}' | grep -qx "$SWITCH_NS"; then
    echo "lab: down"
    return 0
  fi
  echo "switch ports:"
  ip -n "$SWITCH_NS" -br link show | grep -E "^$PREFIX-" | sed 's/^/  /'
  for ns in $(lab_namespaces); do
    [ "$ns" = "$SWITCH_NS" ] && continue
    echo "$ns: $(ip -n "$ns" -4 -br addr show | awk '$1 != "lo" {print $1 " " $2 " " $3}' | tr '\n' ' ')"
    if command -v nft >/dev/null 2>&1; then
      ip netns exec "$ns" nft list ruleset 2>/dev/null | grep -E 'table|drop' | sed 's/^/    /' || true
    fi
  done
  echo "root: $(ip -4 -br addr show "$ROOT_IF" 2>/dev/null || echo "no $ROOT_IF")"
}

# --- faults --------------------------------------------------------------------------------------------------------
cmd_cable() {
  require_root cable "$@"
  [ $# -eq 2 ] || die "usage: cable N down|up"
  require_host "$1"
  case "$2" in
    down|up) ip -n "$SWITCH_NS" link set "$PREFIX-b$1" "$2" ;;
    *) die "cable $1: '$2' is neither down nor up" ;;
  esac
  echo "lab: host $1's cable $2"
}

# Replaces nft table TABLE in host N by BODY (chains and rules), or only removes it when BODY is empty; atomic.
set_table() {
  local host="$1" table="$2" body="$3" script
  script="table inet $table
delete table inet $table"
  if [ -n "$body" ]; then
    script="$script
table inet $table {
$body
}"
  fi
  ip netns exec "$(host_ns "$host")" nft -f - <<<"$script"
}

cmd_loss() {
  require_root loss "$@"
  [ $# -ge 2 ] && [ $# -le 3 ] || die "usage: loss N PERCENT [in|out|both]"
  require_host "$1"
  local host="$1" p="$2" dir="${3:-in}" dev body=""
  [[ "$p" =~ ^[0-9]+$ ]] && (( p <= 100 )) || die "loss: '$p' is not a percentage 0-100"
  ensure_nft
  dev="$PREFIX-h$host"
  # numgen random mod 100 gives 0-99: "< P" drops P %, and 100 % is a plain drop (nft refuses "< 100").
  local match="numgen random mod 100 < $p"
  (( p == 100 )) && match=""
  if (( p > 0 )); then
    case "$dir" in
      in|both) body="  chain input { type filter hook input priority -10; policy accept;
    iifname \"$dev\" $match counter drop
  }" ;;
      out) ;;
      *) die "loss: direction '$dir' is not in, out or both" ;;
    esac
    case "$dir" in
      out|both) body="$body
  chain output { type filter hook output priority -10; policy accept;
    oifname \"$dev\" $match counter drop
  }" ;;
    esac
  fi
  set_table "$host" "$LOSS_TABLE" "$body"
  echo "lab: host $host loses $p % ($dir) on the data network"
}

lab_hosts() {
  lab_namespaces | sed -nE "s/^$PREFIX-([0-9]+)$/\1/p" | sort -n
}

cmd_partition() {
  require_root partition "$@"
  [ $# -eq 1 ] || die "usage: partition \"1,2|3\" (sides separated by |, hosts by commas)"
  [[ "$1" =~ ^[0-9]+(,[0-9]+)*(\|[0-9]+(,[0-9]+)*)+$ ]] || die "partition: '$1' is not like \"1,2|3\""
  ensure_nft
  local -a sides
  IFS='|' read -r -a sides <<<"$1"
  local -A side_of=()
  local s h
  for s in "${!sides[@]}"; do
    for h in ${sides[$s]//,/ }; do
      require_host "$h"
      [ -z "${side_of[$h]:-}" ] || die "partition: host $h is on two sides"
      side_of[$h]=$s
    done
  done
  # Each named host drops what comes in from the hosts named on the other sides; hosts not named keep their tables.
  local others o
  for h in "${!side_of[@]}"; do
    others=""
    for o in "${!side_of[@]}"; do
      if [ "${side_of[$o]}" != "${side_of[$h]}" ]; then
        others="${others:+$others, }$DATA_NET.$o"
      fi
    done
    set_table "$h" "$PART_TABLE" "  chain input { type filter hook input priority -20; policy accept;
    iifname \"$PREFIX-h$h\" ip saddr { $others } counter drop
  }"
  done
  echo "lab: partitioned $1"
}

cmd_heal() {
  require_root heal
  local h
  if command -v nft >/dev/null 2>&1; then
    for h in $(lab_hosts); do
      set_table "$h" "$PART_TABLE" ""
    done
  fi
  echo "lab: healed (no partition)"
}

cmd_clear() {
  require_root clear
  local h
  for h in $(lab_hosts); do
    ip -n "$SWITCH_NS" link set "$PREFIX-b$h" up
    if command -v nft >/dev/null 2>&1; then
      set_table "$h" "$LOSS_TABLE" ""
      set_table "$h" "$PART_TABLE" ""
    fi
  done
  echo "lab: clear (every cable in, no loss, no partition)"
}

cmd_exec() {
  require_root exec "$@"
  [ $# -ge 2 ] || die "usage: exec N CMD..."
  require_host "$1"
  local ns
  ns=$(host_ns "$1")
  shift
  exec ip netns exec "$ns" "$@"
}

# --- main ----------------------------------------------------------------------------------------------------------
[ $# -ge 1 ] || { usage; exit 0; }
command="$1"
shift
case "$command" in
  check) cmd_check ;;
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  cable) cmd_cable "$@" ;;
  loss) cmd_loss "$@" ;;
  partition) cmd_partition "$@" ;;
  heal) cmd_heal ;;
  clear) cmd_clear ;;
  exec) cmd_exec "$@" ;;
  help|-h|--help) usage ;;
  *) echo "lab: unknown command '$command'" >&2; usage >&2; exit 2 ;;
esac
