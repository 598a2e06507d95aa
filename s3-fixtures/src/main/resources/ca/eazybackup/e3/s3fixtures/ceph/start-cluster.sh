#!/usr/bin/env bash
# Starts a throw-away single-node Ceph (Pacific 16.2, Debian 12 packages) with RADOS Gateway
# (S3) on 127.0.0.1, without systemd: 1 mon, 1 mgr, 1 memstore OSD, 1 radosgw (beast).
# Adapted from research/ceph-rgw/start-rgw.sh for the s3-fixtures "ceph" fixture, which
# installs the packages, picks free ports, and stops the daemons by the PIDs in $CEPH_DIR/run.
# Every daemon gets "-c $CEPH_CONF" so its command line names this cluster's directory.
#
# Required: CEPH_DIR (new, empty), RGW_PORT, MON_PORT, MON_PORT2, S3_ACCESS_KEY, S3_SECRET_KEY
# Optional: OSD_BYTES (default 4G), NO_MGR=1
set -euo pipefail

: "${CEPH_DIR:?}" "${RGW_PORT:?}" "${MON_PORT:?}" "${MON_PORT2:?}" "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}"
OSD_BYTES=${OSD_BYTES:-4G}

t0=${EPOCHREALTIME/./}
log() { local t=$(( ${EPOCHREALTIME/./} - t0 )); printf '[%3d.%01ds] %s\n' $((t/1000000)) $((t%1000000/100000)) "$*"; }
uuid() { cat /proc/sys/kernel/random/uuid; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$CEPH_DIR"/{run,log,mon.a,mgr.x,osd.0,rgw,crash}
FSID=$(uuid)
export CEPH_CONF="$CEPH_DIR/ceph.conf"
C=(-c "$CEPH_CONF")
cat >"$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_PORT2,v1:127.0.0.1:$MON_PORT]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.pid
log file = $CEPH_DIR/log/\$name.log
crash dir = $CEPH_DIR/crash
debug ms = 0
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon data avail warn = 2
mon data avail crit = 1
# every map change waits paxos_propose_interval (1 s); rgw creates ~7 pools -> ~10 s.
paxos propose interval = 0.05
paxos min wait = 0.01
mon warn on insecure global id reclaim allowed = false
mon warn on insecure global id reclaim = false

[mon]
mon data = $CEPH_DIR/mon.\$id
mon cluster log file = $CEPH_DIR/log/cluster.log

[mgr]
mgr data = $CEPH_DIR/mgr.\$id

[osd]
osd data = $CEPH_DIR/osd.\$id
osd objectstore = memstore
memstore device bytes = $OSD_BYTES
osd memory target = 1073741824
osd op num shards = 2
osd op num threads per shard = 1
osd crush update on start = true

[client]
# radosgw defaults ms_mon_client_mode to "secure", which auth "none" cannot provide.
ms mon client mode = crc

[client.rgw.a]
rgw data = $CEPH_DIR/rgw
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw thread pool size = 32
rgw enable usage log = false
# No "rgw dns name", as in a stock install: RGW then reads the bucket from the path only, and a
# virtual-hosted request (Host: bucket.name) lists the account's buckets instead (the seed's empty
# listing, reproduced in scenarios/features/s3_compatibility.feature).
CONF

log "mon mkfs + start"
monmaptool --create --fsid "$FSID" \
  --addv a "[v2:127.0.0.1:$MON_PORT2,v1:127.0.0.1:$MON_PORT]" "$CEPH_DIR/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$CEPH_DIR/monmap"
ceph-mon "${C[@]}" -i a
for i in $(seq 1 200); do ceph "${C[@]}" -s --connect-timeout 2 >/dev/null 2>&1 && break; sleep 0.2; done
ceph "${C[@]}" -s --connect-timeout 5 >/dev/null || { echo "mon not reachable; see $CEPH_DIR/log/mon.a.log" >&2; exit 1; }

if [ "${NO_MGR:-0}" != 1 ]; then
  log "mgr start"
  ceph-mgr "${C[@]}" -i x
fi

log "osd mkfs + start"
OSD_ID=$(ceph "${C[@]}" osd create)
ceph-osd "${C[@]}" -i "$OSD_ID" --mkfs --osd-uuid "$(uuid)" >/dev/null 2>&1
# stderr: harmless "Falling back to public interface" / "log_to_monitors" lines
ceph-osd "${C[@]}" -i "$OSD_ID" 2>>"$CEPH_DIR/log/osd.$OSD_ID.stderr"
for i in $(seq 1 600); do
  [ "$(ceph "${C[@]}" osd stat -f json 2>/dev/null | sed -n 's/.*"num_up_osds":\([0-9]*\).*/\1/p')" = 1 ] && break
  [ "$i" = 600 ] && { echo "osd.$OSD_ID not up; see $CEPH_DIR/log/osd.$OSD_ID.log" >&2; exit 1; }
  sleep 0.2
done

log "radosgw start"
# radosgw forks into the background once connected; while it cannot connect the parent waits.
timeout 180 radosgw "${C[@]}" -n client.rgw.a
for i in $(seq 1 900); do
  port_open "$RGW_PORT" && break
  [ "$i" = 900 ] && { echo "radosgw did not come up; see $CEPH_DIR/log/client.rgw.a.log" >&2; exit 1; }
  sleep 0.2
done

log "create S3 user"
radosgw-admin "${C[@]}" user create --uid e3test --display-name "e3 test" \
  --access-key "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" >/dev/null
log "ready on 127.0.0.1:$RGW_PORT"
