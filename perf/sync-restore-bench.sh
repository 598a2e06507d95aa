#!/usr/bin/env bash
# Sync restore only, ours (one or two builds) against rclone, one S3 server, one upload (issue 19).
# Usage (from the repo root, after a build of agent, perf and s3-fixtures with their classpath in
# CPFILE, e.g. ./mvnw -o -pl perf -am package dependency:build-classpath -DskipTests
# -Dmdep.outputFile=/tmp/cp.txt):
#   CPFILE=/tmp/cp.txt perf/sync-restore-bench.sh
#   B=dir             "after" build: a folder holding agent/ perf/ s3-fixtures/ target/classes (default .)
#   A=dir             "before" build, same layout; when set, A and B alternate (A B A B ...)
#   REPS=n            restores of each (default 3); PARALLELISM=n (default 4, rclone's --transfers)
#   DATASET=name      TreeSpec preset (default peer-baseline)
#   JFR=n             instead: n restores in one resident JVM of B, recorded to $WORK/restore.jfr
#   BENCH_DIR=path    work folder (default: mktemp, removed unless KEEP=1)
# Ours runs with the agent's jvm-options.txt in a fresh JVM per restore (the cold figure) and
# restores the bucket our own sync wrote (mtime metadata, our part size); rclone copies the bucket
# rclone sync wrote, --transfers $PARALLELISM --checkers 8. Every restore is diffed against the
# source. Prints one line per run: who, wall s, CPU-s (user+sys), load average.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-3}
PARALLELISM=${PARALLELISM:-4}
DATASET=${DATASET:-peer-baseline}
B=${B:-.}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/e3-restore-bench.XXXXXX)}
mkdir -p "$WORK"
unset AWS_CA_BUNDLE # rclone 1.60 fails with LoadCustomCABundleError when it is set
[[ -n "${CPFILE:-}" && -f "$CPFILE" ]] || { echo "set CPFILE to the built classpath file" >&2; exit 2; }

LOGBACK="$PWD/perf/bench-logback.xml"
read -r -a OPTS <<< "$(grep -v '^#' agent/src/main/resources/ca/eazybackup/e3/agent/service/jvm-options.txt | xargs)"
cp_of() { echo "$1/perf/target/classes:$1/agent/target/classes:$1/s3-fixtures/target/classes:$(cat "$CPFILE")"; }
java_of() { echo java "${OPTS[@]}" -Dlogback.configurationFile="$LOGBACK" -cp "$(cp_of "$1")" ca.eazybackup.e3.perf.sync.SyncBench; }
read -r -a JB <<< "$(java_of "$B")"

SERVER_PID=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 || -n "${BENCH_DIR:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

rm -f "$WORK/s3.properties"
"${JB[@]}" server "$WORK/s3.properties" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do [[ -f "$WORK/s3.properties" ]] && break; sleep 0.5; done
[[ -f "$WORK/s3.properties" ]] || { cat "$WORK/server.log"; echo "S3 server did not start" >&2; exit 1; }
prop() { grep "^$1=" "$WORK/s3.properties" | cut -d= -f2- | sed 's/\\:/:/g'; }
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Minio RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
export RCLONE_CONFIG_S3_ENDPOINT="$(prop endpoint)" RCLONE_CONFIG_S3_REGION="$(prop region)"
export RCLONE_CONFIG_S3_ACCESS_KEY_ID="$(prop accessKey)" RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$(prop secretKey)"

if [[ ! -d "$WORK/data" ]]; then
  java -cp "$(cp_of "$B")" ca.eazybackup.e3.perf.run.Bench dataset "$WORK/data" "$DATASET" >&2
fi
echo "dataset: $(find "$WORK/data" -type f | wc -l) files, $(find "$WORK/data" -type f -printf '%s\n' | awk '{s+=$1} END {print s}') bytes" >&2
rclone sync "$WORK/data" s3:rclone-src --transfers 4 --checkers 8 > "$WORK/upload.log" 2>&1
"${JB[@]}" sync "$WORK/s3.properties" ours-src "$WORK/data" "$WORK/cache" "$PARALLELISM" >> "$WORK/upload.log" 2>&1

load() { cut -d' ' -f1 /proc/loadavg; }
# timed WHO CMD...: one restore into $WORK/down, timed by /usr/bin/time, then diffed
timed() {
  local who=$1; shift
  rm -rf "$WORK/down"
  local l0; l0=$(load)
  /usr/bin/time -f '%e %U %S' -o "$WORK/time.out" "$@" > "$WORK/$who.log" 2>&1 || {
    echo "$who failed:" >&2; tail -20 "$WORK/$who.log" >&2; exit 1; }
  diff -r -q "$WORK/data" "$WORK/down" >&2 || { echo "$who: the restore differs from the source" >&2; exit 1; }
  read -r wall user sys < "$WORK/time.out"
  printf '%-7s wall %6.2f s  cpu %6.2f s  load %s-%s\n' "$who" "$wall" "$(echo "$user + $sys" | bc)" "$l0" "$(load)"
}

if [[ -n "${JFR:-}" ]]; then
  rm -rf "$WORK/down"
  { for i in $(seq 1 "$JFR"); do
      echo "restore $WORK/s3.properties ours-src $WORK/down-$i $WORK/cache $PARALLELISM"
    done; } | java -Xlog:jfr+startup=off -XX:StartFlightRecording=filename="$WORK/restore.jfr",settings=profile \
      "${JB[@]:1}" resident 2> "$WORK/resident.log"
  for i in $(seq 1 "$JFR"); do diff -r -q "$WORK/data" "$WORK/down-$i" >&2; rm -rf "$WORK/down-$i"; done
  echo "recorded $WORK/restore.jfr" >&2
  exit 0
fi

for rep in $(seq 1 "$REPS"); do
  timed rclone rclone copy s3:rclone-src "$WORK/down" --transfers "$PARALLELISM" --checkers 8
  if [[ -n "${A:-}" ]]; then
    read -r -a JA <<< "$(java_of "$A")"
    timed A "${JA[@]}" restore "$WORK/s3.properties" ours-src "$WORK/down" "$WORK/cache" "$PARALLELISM"
  fi
  timed B "${JB[@]}" restore "$WORK/s3.properties" ours-src "$WORK/down" "$WORK/cache" "$PARALLELISM"
done
