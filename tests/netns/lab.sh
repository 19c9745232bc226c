#!/usr/bin/env bash
# A throw-away network lab in namespaces, for the interface-failover tests.
#
#   lab.sh up PREFIX     (re)create the lab; prints nothing on success
#   lab.sh down PREFIX   delete every namespace named PREFIX-*; idempotent, never fails
#
# PREFIX is 1-6 characters of [a-z0-9] so that every name stays short. Namespaces:
#   PREFIX-br  bridges: br0 = data 10.50.0.0/24, br1 = management 10.60.0.0/24 (STP off, forward delay 0)
#   PREFIX-rt  router:  e0 10.50.0.1/24 (answers all-hosts echo)
#   PREFIX-c   client:  e0 10.50.0.200/24, default via 10.50.0.1 (answers all-hosts echo)
#   PREFIX-h1  host:    d0 10.50.0.11/24, d1 10.50.0.12/24, m0 10.60.0.1/24, default via 10.50.0.1 dev d0
#   PREFIX-h2  host:    d0 10.50.0.21/24, d1 10.50.0.22/24, m0 10.60.0.2/24, default via 10.50.0.1 dev d0
# Each host-side veth has its peer in PREFIX-br named HOST+IFACE (h1d0, h1d1, h1m0, h2d0…, rt, c): set that
# peer down to cut the host's carrier, or 'nomaster' it to cut the path while the carrier stays up.
# Hosts get arp_ignore=1 / arp_announce=2 (what AddressTool.PrepareInterface sets) on conf/all, so that with
# two interfaces in one subnet only the interface holding an address answers ARP for it.
set -euo pipefail

usage() {
    echo "usage: $0 up|down PREFIX  (PREFIX: 1-6 characters of a-z 0-9)" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
p=$2
[[ $p =~ ^[a-z0-9]{1,6}$ ]] || usage

down() {
    local file
    for file in /var/run/netns/"$p"-*; do
        [[ -e $file ]] || continue # no match: the pattern itself
        ip netns del "${file##*/}" 2>/dev/null || true
    done
    return 0
}

sysctls() { # NS KEY=VALUE…
    local ns=$1
    shift
    ip netns exec "$ns" sysctl -qw "$@" >/dev/null
}

# port NS IFACE PEER BRIDGE [CIDR…]: a veth from NS into BRIDGE of PREFIX-br, up, with addresses.
port() {
    local ns=$1 ifc=$2 peer=$3 bridge=$4
    shift 4
    ip link add "$ifc" netns "$ns" type veth peer name "$peer" netns "$p-br"
    ip -n "$p-br" link set "$peer" master "$bridge" up
    local cidr
    for cidr in "$@"; do
        ip -n "$ns" addr add "$cidr" dev "$ifc"
    done
    ip -n "$ns" link set "$ifc" up
}

up() {
    down
    local ns
    for ns in br rt c h1 h2; do
        ip netns add "$p-$ns"
        ip -n "$p-$ns" link set lo up
    done
    local b
    for b in br0 br1; do
        ip -n "$p-br" link add "$b" type bridge forward_delay 0 stp_state 0 mcast_snooping 0
        ip -n "$p-br" link set "$b" up
    done

    port "$p-rt" e0 rt br0 10.50.0.1/24
    sysctls "$p-rt" net.ipv4.icmp_echo_ignore_broadcasts=0

    port "$p-c" e0 c br0 10.50.0.200/24
    ip -n "$p-c" route add default via 10.50.0.1 dev e0
    sysctls "$p-c" net.ipv4.icmp_echo_ignore_broadcasts=0

    local h n
    for n in 1 2; do
        h=h$n
        sysctls "$p-$h" net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
        port "$p-$h" d0 "${h}d0" br0 "10.50.0.${n}1/24"
        port "$p-$h" d1 "${h}d1" br0 "10.50.0.${n}2/24"
        port "$p-$h" m0 "${h}m0" br1 "10.60.0.$n/24"
        ip -n "$p-$h" route add default via 10.50.0.1 dev d0 onlink
    done
}

case $cmd in
    up) up ;;
    down) down ;;
    *) usage ;;
esac
