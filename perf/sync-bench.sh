#!/usr/bin/env bash
# Sync engine vs rclone against ONE local S3 server, same dataset, same run (issue 5).
# Usage (from the repo root): perf/sync-bench.sh
#   REPS=n            repetitions of each timed step (median is reported, and each rep; default 1)
#   PARALLELISM=n     our parallelism (default: the engine's default, 8)
#   COLD=1            also time each of our steps in a fresh JVM of its own (extra rows)
#   JFR=1             record a JFR CPU profile of our resident process into $WORK/ours.jfr
#                     (use with KEEP=1 or BENCH_DIR)
#   BENCH_DIR=path    work folder (default: a fresh mktemp -d, removed at the end unless KEEP=1)
# Ours runs as the agent runs: one resident JVM (SyncBench resident) that is sent each step while
# rclone, a fresh process per step, runs between them; so JVM start-up and JIT warm-up are paid
# once, as the agent service pays them. COLD=1 shows what a fresh JVM per step costs.
# Prints one table: seconds, MB/s (10^6 B/s of the dataset bytes), CPU, peak RSS, and ours/rclone.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-1}
PARALLELISM=${PARALLELISM:-0}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/e3-sync-bench.XXXXXX)}
mkdir -p "$WORK"
unset AWS_CA_BUNDLE # rclone 1.60 fails with LoadCustomCABundleError when it is set

if ! command -v rclone >/dev/null; then
  echo "installing Debian's rclone" >&2
  apt-get install -y rclone >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y rclone >/dev/null; }
fi
echo "rclone: $(rclone version | head -1)" >&2

echo "building agent + perf" >&2
# One invocation: the classpath of perf must resolve agent and s3-fixtures from this reactor (a
# fresh machine has none of our modules in ~/.m2). Every module writes the file; perf comes last.
./mvnw -B -q -pl perf -am package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
  -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
CP="perf/target/classes:agent/target/classes:s3-fixtures/target/classes:$(cat "$WORK/cp.txt")"

LOGBACK="$PWD/perf/bench-logback.xml"
JAVA=(java -Xmx512m -XX:+UseParallelGC -Dlogback.configurationFile="$LOGBACK" -cp "$CP" ca.eazybackup.e3.perf.sync.SyncBench)

SERVER_PID=
cleanup() {
  [[ -n "${OURS_PID:-}" ]] && kill "$OURS_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 || -n "${BENCH_DIR:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "starting the S3 server" >&2
"${JAVA[@]}" server "$WORK/s3.properties" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do [[ -f "$WORK/s3.properties" ]] && break; sleep 0.5; done
[[ -f "$WORK/s3.properties" ]] || { cat "$WORK/server.log"; echo "S3 server did not start" >&2; exit 1; }
prop() { grep "^$1=" "$WORK/s3.properties" | cut -d= -f2- | sed 's/\\:/:/g'; }
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Minio RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
export RCLONE_CONFIG_S3_ENDPOINT="$(prop endpoint)" RCLONE_CONFIG_S3_REGION="$(prop region)"
export RCLONE_CONFIG_S3_ACCESS_KEY_ID="$(prop accessKey)" RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$(prop secretKey)"
echo "S3: $(prop kind) at $(prop endpoint)" >&2

echo "generating the peer-baseline dataset" >&2
"${JAVA[@]}" dataset "$WORK/data" >&2
BYTES=$(find "$WORK/data" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
FILES=$(find "$WORK/data" -type f | wc -l)
echo "dataset: $FILES files, $BYTES bytes" >&2

# Our resident process: one line per step in, "done SECONDS CPU_SECONDS STATUS" out.
OURS_JAVA=("${JAVA[@]}")
if [[ -n "${JFR:-}" ]]; then
  # JFR announces itself on stdout, which is our answer channel: its log goes to stderr instead.
  OURS_JAVA=(java -Xlog:jfr+startup=off
    -XX:StartFlightRecording=filename="$WORK/ours.jfr",settings=profile "${JAVA[@]:1}")
fi
coproc OURS { exec "${OURS_JAVA[@]}" resident 2> "$WORK/ours.log"; }
OURS_PID=$OURS_PID
OURS_IN=${OURS[1]}
OURS_OUT=${OURS[0]}

# ours NAME ARGS...: runs one step in the resident JVM; appends "NAME seconds peak_rss_kib cpu_s 0"
ours() {
  local name=$1; shift
  echo "$*" >&"$OURS_IN"
  local word secs cpu status
  read -r word secs cpu status <&"$OURS_OUT" || { echo "our resident process died:" >&2; tail -20 "$WORK/ours.log" >&2; exit 1; }
  [[ "$word" == done && "$status" == SUCCESS ]] || { echo "step $name: $word $status" >&2; tail -20 "$WORK/ours.log" >&2; exit 1; }
  local hwm
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$OURS_PID/status")
  echo "$name $secs $hwm $cpu 0" >> "$WORK/results"
}

# timed NAME CMD...: appends "NAME seconds maxrss_kib user_s sys_s" to results; fails loudly
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.out" "$@" > "$WORK/$name.log" 2>&1 || {
    echo "step $name failed:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
  echo "$name $(cat "$WORK/time.out")" >> "$WORK/results"
}

: > "$WORK/results"
for rep in $(seq 1 "$REPS"); do
  echo "rep $rep/$REPS: first sync" >&2
  # fresh buckets and cache per repetition, so every rep is a real first run
  timed rclone_first rclone sync "$WORK/data" "s3:rclone-$rep" --transfers 4 --checkers 8
  ours ours_first sync "$WORK/s3.properties" "ours-$rep" "$WORK/data" "$WORK/cache-$rep" "$PARALLELISM"
  echo "rep $rep/$REPS: no-change re-sync" >&2
  timed rclone_nochange rclone sync "$WORK/data" "s3:rclone-$rep" --transfers 4 --checkers 8
  ours ours_nochange sync "$WORK/s3.properties" "ours-$rep" "$WORK/data" "$WORK/cache-$rep" "$PARALLELISM"
  grep "^sync .*ours-$rep " "$WORK/ours.log" | tail -1 | grep -q 'bytes_uploaded=0' || { echo "no-change run uploaded data:" >&2; tail -5 "$WORK/ours.log" >&2; exit 1; }
  echo "rep $rep/$REPS: restore (download)" >&2
  rm -rf "$WORK/down-rclone" "$WORK/down-ours"
  timed rclone_restore rclone copy "s3:rclone-$rep" "$WORK/down-rclone" --transfers 4 --checkers 8
  ours ours_restore restore "$WORK/s3.properties" "ours-$rep" "$WORK/down-ours" "$WORK/cache-$rep" "$PARALLELISM"
  diff -r -q "$WORK/data" "$WORK/down-ours" >&2 || { echo "our restore differs from the source" >&2; exit 1; }
  if [[ "${COLD:-0}" == 1 ]]; then
    echo "rep $rep/$REPS: our three steps again, a fresh JVM each" >&2
    timed cold_first "${JAVA[@]}" sync "$WORK/s3.properties" "cold-$rep" "$WORK/data" "$WORK/cold-cache-$rep" "$PARALLELISM"
    timed cold_nochange "${JAVA[@]}" sync "$WORK/s3.properties" "cold-$rep" "$WORK/data" "$WORK/cold-cache-$rep" "$PARALLELISM"
    rm -rf "$WORK/down-ours"
    timed cold_restore "${JAVA[@]}" restore "$WORK/s3.properties" "cold-$rep" "$WORK/down-ours" "$WORK/cold-cache-$rep" "$PARALLELISM"
    diff -r -q "$WORK/data" "$WORK/down-ours" >&2 || { echo "our cold restore differs from the source" >&2; exit 1; }
  fi
done
exec {OURS_IN}>&- # end of input: the resident process exits
wait "$OURS_PID" 2>/dev/null || true

python3 - "$WORK/results" "$BYTES" "$FILES" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, secs, rss, user, sys_ = line.split()
    rows.setdefault(name, []).append((float(secs), int(rss), float(user) + float(sys_)))
nbytes, nfiles = int(sys.argv[2]), int(sys.argv[3])
def med(name):
    xs = rows[name]
    return statistics.median(x[0] for x in xs), max(x[1] for x in xs) / 1024, statistics.median(x[2] for x in xs)
print(f"dataset: {nfiles} files, {nbytes/1e6:.1f} MB; median of {len(rows['ours_first'])} run(s)")
print(f"| step | ours s | rclone s | ours MB/s | rclone MB/s | ours/rclone throughput | ours CPU s | rclone CPU s | ours peak RSS MiB | rclone RSS MiB | target |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
steps = [("first", "first sync", ">= 1.0"), ("nochange", "no-change re-sync", ">= 1.0 (time <= rclone)"), ("restore", "restore / download", ">= 1.0")]
for step, label, target in steps:
    o, orss, ocpu = med("ours_" + step); r, rrss, rcpu = med("rclone_" + step)
    ratio = r / o
    ok = "met" if ratio >= 1.0 else "MISSED"
    print(f"| {label} | {o:.2f} | {r:.2f} | {nbytes/1e6/o:.0f} | {nbytes/1e6/r:.0f} | {ratio:.2f}x | {ocpu:.1f} | {rcpu:.1f} | {orss:.0f} | {rrss:.0f} | {target}: {ok} |")
if len(rows["ours_first"]) > 1:
    # Rep 1 of ours is the resident JVM's first run of each step, JIT warm-up included.
    print("Per repetition, seconds (CPU-s); rep 1 of ours includes the JIT warm-up of that step's code:")
    for step, label, _ in steps:
        fmt = lambda name: " / ".join(f"{x[0]:.2f} ({x[2]:.1f})" for x in rows[name])
        print(f"  {label}: ours {fmt('ours_' + step)}; rclone {fmt('rclone_' + step)}")
if "cold_first" in rows:
    print("Ours in a fresh JVM per step (COLD=1; not the target: the agent is a resident service):")
    for step, label, _ in steps:
        o, orss, ocpu = med("cold_" + step); r, rrss, rcpu = med("rclone_" + step)
        print(f"| {label}, cold JVM | {o:.2f} | {r:.2f} | {nbytes/1e6/o:.0f} | {nbytes/1e6/r:.0f} | {r/o:.2f}x | {ocpu:.1f} | {rcpu:.1f} | {orss:.0f} | {rrss:.0f} | |")
PY
