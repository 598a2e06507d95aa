#!/usr/bin/env bash
# Time Machine: a snapshot read through our `snapshot serve` (WebDAV, curl) vs `restic dump` and
# `restic ls` of the same snapshot of the same data, same S3 server, same run (issue 16).
# Usage (from the repo root): perf/tm-bench.sh
#   BIG_MIB=n      size of the file read whole (default 200)
#   LIST_N=n       entries of the folder listed (default 2000)
#   COLD_REPS=n    fresh-process repetitions of each step (default 3; medians)
#   WARM_REPS=n    warm repetitions after each cold one (default 3; medians)
#   S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION: use this running S3 server (perf/run
#                  passes its own); otherwise one is started (needs the perf build)
#   BENCH_DIR=path work folder (default: a fresh mktemp -d, removed at the end unless KEEP=1)
#   OURS_JVM_OPTS  JVM options of ours (default: the agent's, service/jvm-options.txt)
#   AGENT_JAR      the agent jar (default agent/target/e3-backup-agent.jar). It runs as installed:
#                  with the class-data sharing archive beside it when there is one
#                  (e3-backup-agent.jsa; perf/run dumps it; CDS=0: without), and in a packaged
#                  layout (packaging/target/e3-backup-agent/app/) with the image's own java
# One data folder (a BIG_MIB MiB random file and a folder of LIST_N small files) is backed up by
# our Kopia-format engine (`repo backup`) and by restic into one bucket. Then, per repetition and
# alternating which side goes first:
#   cold: a fresh process with an empty local cache on both sides. Ours is timed from the launch of
#         `snapshot serve` (JVM start, repository open, index load) to the last byte of the answer:
#         the same work `restic dump`/`restic ls` does in its one process.
#   warm: ours, the same request again on the running server (a mounted drive's case); restic, the
#         same command again with the local cache the cold run filled (its best case).
# Every read is compared with the source file byte for byte and every listing's names with the
# source folder's; a mismatch fails the run. Prints one table: seconds and the ratio to restic.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BIG_MIB=${BIG_MIB:-200}
LIST_N=${LIST_N:-2000}
COLD_REPS=${COLD_REPS:-3}
WARM_REPS=${WARM_REPS:-3}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/e3-tm-bench.XXXXXX)}
mkdir -p "$WORK"
unset AWS_CA_BUNDLE # rclone/restic fail with LoadCustomCABundleError when it is set
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/e3-backup-agent.jar}
JVM_OPTS_FILE=agent/src/main/resources/ca/eazybackup/e3/agent/service/jvm-options.txt
if [[ -z ${OURS_JVM_OPTS:-} ]]; then
  OURS_JVM_OPTS=$([[ -f $JVM_OPTS_FILE ]] && grep -v '^#' "$JVM_OPTS_FILE" | xargs || echo "")
fi
read -r -a OURS_OPTS <<< "$OURS_JVM_OPTS"
OURS_JAVA=java
APP_DIR=$(dirname "$AGENT_JAR")
[[ -x $APP_DIR/../runtime/bin/java ]] && OURS_JAVA=$APP_DIR/../runtime/bin/java
if [[ ${CDS:-1} == 1 && -f $APP_DIR/e3-backup-agent.jsa ]]; then
  OURS_OPTS+=(-XX:SharedArchiveFile="$APP_DIR/e3-backup-agent.jsa" -Xshare:auto)
fi
LOGBACK="$ROOT/perf/bench-logback.xml"
OURS=("$OURS_JAVA" "${OURS_OPTS[@]}" -Dlogback.configurationFile="$LOGBACK" -jar "$AGENT_JAR")

for tool in restic curl python3; do
  command -v "$tool" >/dev/null || { apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }; }
done
echo "restic: $(restic version | head -1)" >&2

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 || -n "${BENCH_DIR:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n "${S3_ENDPOINT:-}" ]]; then
  [[ -f $AGENT_JAR ]] || ./mvnw -B -q -pl agent -am package -DskipTests > "$WORK/build.log" 2>&1
  ENDPOINT=$S3_ENDPOINT; REGION=${S3_REGION:-us-east-1}; AK=$S3_ACCESS_KEY; SK=$S3_SECRET_KEY
else
  if [[ "${SKIP_BUILD:-0}" == 1 && -f "$WORK/cp.txt" ]]; then
    echo "SKIP_BUILD=1: using the built jars and $WORK/cp.txt" >&2
  else
    echo "building agent + perf" >&2
    ./mvnw -B -q -pl perf -am package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
      -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
  fi
  CP="perf/target/classes:agent/target/classes:s3-fixtures/target/classes:$(cat "$WORK/cp.txt")"
  echo "starting the S3 server" >&2
  rm -f "$WORK/s3.properties"
  java -Xmx512m -cp "$CP" ca.eazybackup.e3.perf.sync.SyncBench server "$WORK/s3.properties" > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do [[ -f "$WORK/s3.properties" ]] && break; sleep 0.5; done
  [[ -f "$WORK/s3.properties" ]] || { cat "$WORK/server.log"; echo "S3 server did not start" >&2; exit 1; }
  prop() { grep "^$1=" "$WORK/s3.properties" | cut -d= -f2- | sed 's/\\:/:/g'; }
  ENDPOINT=$(prop endpoint); REGION=$(prop region); AK=$(prop accessKey); SK=$(prop secretKey)
fi
# Java 17 maps an application archive only for the jar it was dumped with (size and mtime): the
# build above rewrites the jar, and -Xshare:auto would then run ours without CDS, silently (session
# 10 measured that as ~1.5 s more per cold serve). Say so, so the table is not read as with CDS.
if [[ ${CDS:-1} == 1 && -f $APP_DIR/e3-backup-agent.jsa && $APP_DIR/e3-backup-agent.jsa -ot $AGENT_JAR ]]; then
  echo "WARNING: $APP_DIR/e3-backup-agent.jsa is older than $AGENT_JAR: the JVM ignores it and ours runs" \
    "WITHOUT class-data sharing (dump it again, as perf/run does, or run with SKIP_BUILD=1)" >&2
  CDS_NOTE=" (CDS archive stale: ignored by the JVM)"
fi
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK E3_REPO_PASSWORD=tm-bench-password-0123
# fresh repositories on every run (the S3 server may be a long-lived one)
RUN_ID=$(date -u +%Y%m%dT%H%M%S)-$$
export RESTIC_PASSWORD=$E3_REPO_PASSWORD RESTIC_REPOSITORY="s3:$ENDPOINT/tm-bench/restic-$RUN_ID"
BUCKET=(--endpoint "$ENDPOINT" --region "$REGION" --bucket tm-bench --prefix "ours-$RUN_ID/")

# ---- data: generated once, backed up by both ------------------------------------------------------
DATA=$WORK/data
if [[ ! -f $DATA/.complete-$BIG_MIB-$LIST_N ]]; then
  echo "generating ${BIG_MIB} MiB file and a folder of $LIST_N files in $DATA" >&2
  rm -rf "$DATA"; mkdir -p "$DATA/list"
  head -c "$((BIG_MIB << 20))" /dev/urandom > "$DATA/big.bin"
  for i in $(seq 1 "$LIST_N"); do printf 'entry %d %s\n' "$i" "$RANDOM" > "$DATA/list/file-$(printf %05d "$i").bin"; done
  touch "$DATA/.complete-$BIG_MIB-$LIST_N"
fi
ls "$DATA/list" | sort > "$WORK/list.expected"

: > "$WORK/results"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "backing up with restic and with ours; load $(load)" >&2
restic -q init > "$WORK/restic-init.log" 2>&1 || { cat "$WORK/restic-init.log" >&2; exit 1; }
t0=$(now); restic -q --cache-dir "$WORK/restic-cache-backup" backup "$DATA" > "$WORK/restic-backup.log" 2>&1 \
  || { cat "$WORK/restic-backup.log" >&2; exit 1; }
echo "restic_backup $(since "$t0")" >> "$WORK/results"
t0=$(now); "${OURS[@]}" repo backup "${BUCKET[@]}" --cache-dir "$WORK/ours-cache-backup" "$DATA" \
  > "$WORK/ours-backup.log" 2>&1 || { cat "$WORK/ours-backup.log" >&2; exit 1; }
echo "ours_backup $(since "$t0")" >> "$WORK/results"
R_SNAP=$(restic --cache-dir "$WORK/restic-cache-backup" snapshots --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
O_SNAP=$("${OURS[@]}" repo snapshots "${BUCKET[@]}" --cache-dir "$WORK/ours-cache-backup" --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
echo "snapshots: ours $O_SNAP, restic $R_SNAP" >&2

# ---- checks ---------------------------------------------------------------------------------------
check_read() { # SIDE FILE: the bytes read equal the source file's
  cmp -s "$DATA/big.bin" "$2" || { echo "$1: the $BIG_MIB MiB file read back differs from the source" >&2; exit 1; }
  rm -f "$2"
}
check_propfind() { # FILE: the PROPFIND answer names exactly the source folder's entries
  python3 - "$1" "$WORK/list.expected" <<'PY' || exit 1
import sys, urllib.parse, xml.etree.ElementTree as ET
hrefs = [urllib.parse.unquote(e.text).rstrip('/') for e in ET.parse(sys.argv[1]).iter('{DAV:}href')]
names = sorted(h.rsplit('/', 1)[-1] for h in hrefs if not h.endswith('/list'))
want = open(sys.argv[2]).read().split()
if names != want:
    sys.exit(f"ours: PROPFIND listed {len(names)} entries, not the source folder's {len(want)}")
PY
}
check_ls() { # FILE: restic ls named exactly the source folder's entries
  local got; got=$(grep -c "^$DATA/list/" "$1" || true)
  [[ "$(grep "^$DATA/list/" "$1" | sed 's|.*/||' | sort)" == "$(cat "$WORK/list.expected")" ]] \
    || { echo "restic: ls listed $got entries, not the source folder's $LIST_N" >&2; exit 1; }
}

# ---- ours: a fresh `snapshot serve` per cold step ---------------------------------------------------
# serve_start: launches the server on a fresh cache, sets URL once it printed it (read from the
# coprocess' stdout, no polling)
serve_start() {
  rm -rf "$WORK/ours-cache-cold"
  coproc SERVE { exec "${OURS[@]}" snapshot serve "${BUCKET[@]}" --cache-dir "$WORK/ours-cache-cold" \
    --snapshot "$O_SNAP" 2>> "$WORK/ours-serve.log"; }
  SERVE_PID=$SERVE_PID; PIDS+=("$SERVE_PID")
  read -r URL <&"${SERVE[0]}" || { tail -20 "$WORK/ours-serve.log" >&2; echo "snapshot serve did not start" >&2; exit 1; }
  [[ $URL == http* ]] || { echo "snapshot serve printed '$URL'" >&2; exit 1; }
}
serve_stop() { kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; }
get() { curl -sf -o "$WORK/read.bin" "${URL}big.bin"; }
propfind() { curl -sf -X PROPFIND -H 'Depth: 1' -o "$WORK/propfind.xml" "${URL}list/"; }

ours_read() {
  local t0; t0=$(now); serve_start; local t1; t1=$(now)
  get; echo "ours_read_cold $(since "$t0")" >> "$WORK/results"
  echo "ours_read_first $(since "$t1")" >> "$WORK/results"; check_read ours "$WORK/read.bin"
  for _ in $(seq 1 "$WARM_REPS"); do
    t0=$(now); get; echo "ours_read_warm $(since "$t0")" >> "$WORK/results"; check_read ours "$WORK/read.bin"
  done
  serve_stop
}
ours_list() {
  local t0; t0=$(now); serve_start; local t1; t1=$(now)
  propfind; echo "ours_list_cold $(since "$t0")" >> "$WORK/results"
  echo "ours_list_first $(since "$t1")" >> "$WORK/results"; check_propfind "$WORK/propfind.xml"
  for _ in $(seq 1 "$WARM_REPS"); do
    t0=$(now); propfind; echo "ours_list_warm $(since "$t0")" >> "$WORK/results"; check_propfind "$WORK/propfind.xml"
  done
  serve_stop
}
# ---- restic: dump and ls, a fresh cache for the cold run, the same one after ----------------------
restic_read() {
  rm -rf "$WORK/restic-cache-cold"; local t0 kind=cold
  for i in $(seq 0 "$WARM_REPS"); do
    (( i == 0 )) || kind=warm
    t0=$(now); restic -q --cache-dir "$WORK/restic-cache-cold" dump "$R_SNAP" "$DATA/big.bin" > "$WORK/read.bin"
    echo "restic_read_$kind $(since "$t0")" >> "$WORK/results"; check_read restic "$WORK/read.bin"
  done
}
restic_list() {
  rm -rf "$WORK/restic-cache-cold"; local t0 kind=cold
  for i in $(seq 0 "$WARM_REPS"); do
    (( i == 0 )) || kind=warm
    t0=$(now); restic -q --cache-dir "$WORK/restic-cache-cold" ls "$R_SNAP" "$DATA/list" > "$WORK/ls.txt"
    echo "restic_list_$kind $(since "$t0")" >> "$WORK/results"; check_ls "$WORK/ls.txt"
  done
}

# Repetitions alternate the side that goes first: the S3 server (a JVM) and the page cache warm up
# as the run goes, which would favour whichever side always ran second.
echo "load before the reads: $(load)" >&2
for r in $(seq 1 "$COLD_REPS"); do
  if (( r % 2 )); then sides="ours restic"; else sides="restic ours"; fi
  for side in $sides; do
    echo "rep $r/$COLD_REPS: $side read of ${BIG_MIB} MiB, cold + ${WARM_REPS} warm; load $(load)" >&2
    "${side}_read"
  done
  for side in $sides; do
    echo "rep $r/$COLD_REPS: $side listing of $LIST_N entries, cold + ${WARM_REPS} warm; load $(load)" >&2
    "${side}_list"
  done
done

echo "load average: $(load) on $(nproc) cores; restic $(restic version | cut -d' ' -f2); ours: $OURS_JAVA ${OURS_OPTS[*]:-(JVM defaults)}${CDS_NOTE:-}"
python3 - "$WORK/results" "$BIG_MIB" "$LIST_N" "$COLD_REPS" "$WARM_REPS" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    rows.setdefault(k, []).append(float(v))
mib, n, cold, warm = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
med = lambda k: statistics.median(rows[k])
print(f"medians: cold x{cold} (fresh processes, empty caches), warm x{int(cold)*int(warm)}")
print(f"{'step':44} {'ours s':>8} {'restic s':>9} {'ratio':>7}  target")
def line(label, step, throughput):
    o, r = med("ours_" + step), med("restic_" + step)
    if throughput:  # ours' MB/s over restic's: >= 1.0 meets the target
        print(f"{label:44} {o:8.3f} {r:9.3f} {r/o:7.2f}  >= 1.0 (throughput ours/restic)"
              f"  [{mib*1.048576/o:.0f} vs {mib*1.048576/r:.0f} MB/s]")
    else:           # ours' seconds over restic's: <= 1.0 meets the target
        print(f"{label:44} {o:8.3f} {r:9.3f} {o/r:7.2f}  <= 1.0 (time ours/restic)")
line(f"read {mib} MiB, cold (headline)", "read_cold", True)
line(f"read {mib} MiB, warm", "read_warm", True)
line(f"list {n} entries, cold (headline)", "list_cold", False)
line(f"list {n} entries, warm", "list_warm", False)
print(f"{'(ours cold, server start excluded: read)':44} {med('ours_read_first'):8.3f}")
print(f"{'(ours cold, server start excluded: list)':44} {med('ours_list_first'):8.3f}")
print(f"{'(backup of the data, once)':44} {med('ours_backup'):8.3f} {med('restic_backup'):9.3f}"
      f" {med('ours_backup')/med('restic_backup'):7.2f}  (time; not a target here)")
PY
