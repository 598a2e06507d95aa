#!/usr/bin/env bash
# Stops the cluster in CEPH_DIR once process OWNER_PID is gone (the test JVM was killed before it
# could stop the cluster). Only PIDs from $CEPH_DIR/run/*.pid whose command line names this
# cluster's config are signalled: rgw first, then osd and mgr, then mon; SIGKILL after 15 s.
# Usage: watchdog.sh OWNER_PID CEPH_DIR REMOVE_DIR
set -u
OWNER=$1 CEPH_DIR=$2 REMOVE_DIR=$3
while kill -0 "$OWNER" 2>/dev/null; do sleep 1; done
stop_group() {
  local pids=() name pf pid i alive
  for name in "$@"; do
    pf="$CEPH_DIR/run/$name.pid"
    [ -f "$pf" ] || continue
    pid=$(cat "$pf")
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$CEPH_DIR/ceph.conf"; then
      kill -TERM "$pid"; pids+=("$pid")
    fi
  done
  for i in $(seq 1 150); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}
stop_group client.rgw.a
stop_group osd.0 mgr.x
stop_group mon.a
case "$REMOVE_DIR" in */e3-ceph-*) rm -rf "$REMOVE_DIR";; esac
