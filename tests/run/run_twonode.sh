#!/usr/bin/env bash
# "Two nodes" on one machine: two network namespaces joined by a veth pair, each with its own
# UTS hostname, so MPI sees two nodes and TCP really crosses an interface. bbd run (in node a)
# runs the default matrix (native, latency + bw) through MPICH Hydra with
# `-launcher ssh -launcher-exec netns-ssh`: the script starts Hydra's proxy in the other
# namespace (`ip netns exec` + `unshare --uts`) instead of over ssh.
#   1. Debian's MPICH (ch4:ucx) with UCX_TLS=self,tcp (without it UCX finds the peer's memory
#      through the shared kernel, cma/sysv, and nothing crosses the veth).
#   2. MPICH ch4:ofi (scripts/build-mpich-ofi) with FI_PROVIDER=tcp: libfabric carries the bytes.
# Checked: every record lists 2 distinct hosts, provenance says not the same node and who carried
# the bytes, the veth's own byte counter grew by more than the bandwidth test moved one way,
# and the report compares the figure with a NIC instead of calling it intra-node.
# The namespaces, the veth pair and their private addresses (10.199.0.0/24, only inside the
# namespaces this test creates) are removed on exit.
. "$(dirname "$0")/lib.sh"
cd "$work"
command -v ip >/dev/null || fail "ip (iproute2) missing"
[ "$(id -u)" -eq 0 ] || fail "needs root (ip netns, veth)"
ns_a=bbd-$$-a ns_b=bbd-$$-b veth_a=vbbd$$a veth_b=vbbd$$b
ip_a=10.199.0.1 ip_b=10.199.0.2
cleanup_hooks+=("ip netns del $ns_a 2>/dev/null; ip netns del $ns_b 2>/dev/null; ip link del $veth_a 2>/dev/null")
ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "$veth_a" type veth peer name "$veth_b"
ip link set "$veth_a" netns "$ns_a"
ip link set "$veth_b" netns "$ns_b"
ip -n "$ns_a" addr add "$ip_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$ip_b/24" dev "$veth_b"
for n in "$ns_a:$veth_a" "$ns_b:$veth_b"; do
  ip -n "${n%%:*}" link set lo up
  ip -n "${n%%:*}" link set "${n#*:}" up
done

# Hydra's ssh launcher runs `LAUNCHER-EXEC -x HOST CMD...` and, like ssh, the words are one
# shell command on the remote side.
cat >netns-ssh <<EOF
#!/bin/sh
while [ "\${1#-}" != "\$1" ]; do shift; done
host=\$1; shift
case \$host in
  $ip_a) ns=$ns_a name=bbd-node-a ;;
  $ip_b) ns=$ns_b name=bbd-node-b ;;
  *) echo "netns-ssh: unknown host \$host" >&2; exit 255 ;;
esac
echo "netns-ssh: \$host -> \$ns (\$name)" >&2
exec ip netns exec \$ns unshare --uts sh -c "hostname \$name && exec \$*"
EOF
chmod +x netns-ssh
on_a() { ip netns exec "$ns_a" unshare --uts sh -c 'hostname bbd-node-a && exec "$@"' sh "$@"; }
tx_a() { ip netns exec "$ns_a" cat "/sys/class/net/$veth_a/statistics/tx_bytes"; }
expect_eq "$(on_a hostname)" bbd-node-a "hostname in namespace a"

# A cell here takes ~10 s; a hung one should not hold the test for the default 300 s.
cat >two.ini <<INI
[bench]
timeout = 120
[launcher]
launcher = mpiexec
hosts = $ip_a,$ip_b
launcher_args = -launcher ssh -launcher-exec $work/netns-ssh
INI

# check_run DB CARRIED-PATTERN: the default matrix's 2 cells, 2 hosts, not one node.
check_run() {
  local db=$1
  expect_eq "$(sqlite3 "$db" "select count(*) from cells where status='ok'")" 2 "$db: ok cells"
  expect_eq "$(sqlite3 "$db" "select distinct hosts from records")" '["bbd-node-a","bbd-node-b"]' "$db: hosts of every record"
  expect_eq "$(sqlite3 "$db" "select distinct json_extract(json,'\$.provenance.transport.same_node') from records")" 0 "$db: same_node"
  expect_eq "$(sqlite3 "$db" "select distinct json_extract(json,'\$.provenance.nodes') from records")" 2 "$db: provenance nodes"
  local carried
  carried=$(sqlite3 "$db" "select distinct json_extract(json,'\$.provenance.transport.carried') from records")
  grep -qE "$2" <<<"$carried" || fail "$db: carried '$carried', expected /$2/"
  local md
  md=$(sqlite3 "$db" "select folder from runs")/report.md
  grep -E "Latency\?|Bandwidth\?|More than one NIC" "$md"
  grep -q "More than one NIC's worth of bandwidth?\*\* no: best [0-9.]* MB/s (native, GTL off, bw H H, [0-9]*[KM]* B, 2 hosts, carried by: " "$md" \
    || fail "$db: NIC answer: $(grep 'NIC' "$md")"
  # bbd-bench bw moves 64 messages per iteration one way; with the default 20 iterations and
  # 2 warm-ups at 4 MiB alone that is more than 5 GB. At least 1 GB must have crossed the veth.
  awk -v d="$((tx1 - tx0))" 'BEGIN { exit !(d > 1e9) }' || fail "$db: only $((tx1 - tx0)) bytes left $veth_a"
  echo "$db: $((tx1 - tx0)) bytes sent through $veth_a; carried by: $carried"
}

# 1. Debian's MPICH, UCX over TCP.
tx0=$(tx_a)
on_a "$BBD" run --config two.ini --env UCX_TLS=self,tcp --db ucx.db --out ucx-runs | tee ucx.log \
  || fail "bbd run (ucx): $(tail -n 5 ucx-runs/run-1/cell-*/stderr; wc -l ucx-runs/run-1/cell-*/stdout)"
tx1=$(tx_a)
grep -q -- "-hosts $ip_a,$ip_b -launcher ssh -launcher-exec $work/netns-ssh " ucx-runs/run-1/cell-001-*/command \
  || fail "cell command: $(cat ucx-runs/run-1/cell-001-*/command)"
grep -q "netns-ssh: $ip_b -> $ns_b" ucx-runs/run-1/cell-001-*/stderr || fail "proxy not started in $ns_b"
check_run ucx.db '^UCX'

# 2. MPICH ch4:ofi, libfabric tcp (its own Hydra and bbd-bench built against it).
ofi=$("$BBD_SOURCE_DIR/scripts/build-mpich-ofi")
ofi_build=$(build_bench_ofi "$ofi")
tx0=$(tx_a)
on_a "$BBD" run --config two.ini --env FI_PROVIDER=tcp --mpiexec "$ofi/bin/mpiexec" \
  --bench "$ofi_build/src/bench/bbd-bench" --db ofi.db --out ofi-runs | tee ofi.log \
  || fail "bbd run (ofi): $(tail -n 5 ofi-runs/run-1/cell-*/stderr; wc -l ofi-runs/run-1/cell-*/stdout)"
tx1=$(tx_a)
check_run ofi.db '^libfabric tcp'
expect_eq "$(sqlite3 ofi.db "select distinct json_extract(json,'\$.provenance.transport.libfabric_carries') from records")" 1 "ofi: libfabric carries"
grep -q 'native, GTL off \[bw H H, latency H H\]: yes, provider tcp;ofi_rxm, bytes carried by: libfabric tcp' ofi-runs/run-1/report.md \
  || fail "ofi: libfabric answer: $(grep 'Is libfabric used' ofi-runs/run-1/report.md)"
echo "PASS run_twonode_netns"
