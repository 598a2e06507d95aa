#!/usr/bin/env bash
# Cloud NAS: our `nas serve` vs `rclone serve webdav`, same S3 server, same bucket, same run (issue 15).
# Usage (from the repo root): perf/nas-bench.sh
#   MODE=off|minimal|writes|full  cache mode of both servers (default off)
#   BIG_MIB=n      size of the file read whole (default 200)
#   LIST_N=n       entries of the folder PROPFIND'd (default 2000)
#   PUT_N=n        small files PUT one after another on one connection (default 1000)
#   REPS=n         repetitions of the warm PROPFIND (median reported; default 5)
#   READ_REPS=n, PUT_REPS=n  repetitions of the GET (default 3) and of the PUTs (default 2); medians
#   S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION: use this running S3 server (no perf build)
#   SKIP_BUILD=1   reuse the built jars and BENCH_DIR's cp.txt (a second run)
#   BENCH_DIR=path work folder (default: a fresh mktemp -d, removed at the end unless KEEP=1)
#   OURS_JAR=path  the agent jar to serve with (default agent/target/e3-backup-agent.jar; a
#                  before/after comparison runs the bench once per jar on the same S3 server)
#   START_WAIT=s  how long our server may take to start (default 120)
#   OURS_JAVA_OPTS extra JVM options of our server, e.g. a flight recording:
#                  "-XX:StartFlightRecording=filename=/tmp/nas.jfr,settings=profile"
# Both servers read the same objects; the client is curl (one connection per step), so client
# costs are the same on both sides. Prints one table: seconds and ours/rclone.
# Seeding with Debian's rclone 1.60 against S3Proxy: every file is named .bin (Go maps .txt to
# "text/plain; charset=utf-8", a Content-Type S3Proxy's signature check rejects — the PUT step
# through rclone serve webdav would hit it too), and the 200 MiB file goes up as one PUT
# (--s3-upload-cutoff 5G: S3Proxy's multipart ETag is not the one rclone 1.60 checks).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${MODE:-off}
BIG_MIB=${BIG_MIB:-200}
LIST_N=${LIST_N:-2000}
PUT_N=${PUT_N:-1000}
REPS=${REPS:-5}
READ_REPS=${READ_REPS:-3}
PUT_REPS=${PUT_REPS:-2}
OURS_JAR=${OURS_JAR:-agent/target/e3-backup-agent.jar}
RUN_ID=$(date +%s) # PUT folders are new in every run: a second run on the same bucket creates, too
WORK=${BENCH_DIR:-$(mktemp -d /tmp/e3-nas-bench.XXXXXX)}
mkdir -p "$WORK"
unset AWS_CA_BUNDLE # rclone 1.60 fails with LoadCustomCABundleError when it is set

for tool in rclone curl; do
  command -v "$tool" >/dev/null || { apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }; }
done
echo "rclone: $(rclone version | head -1)" >&2

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 || -n "${BENCH_DIR:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n "${S3_ENDPOINT:-}" ]]; then
  # an S3 server already running (S3Fixture's convention): only the agent jar is needed
  [[ -f "$OURS_JAR" ]] || ./mvnw -B -q -pl agent -am package -DskipTests > "$WORK/build.log" 2>&1
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
  java -Xmx512m -cp "$CP" ca.eazybackup.e3.perf.sync.SyncBench server "$WORK/s3.properties" > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do [[ -f "$WORK/s3.properties" ]] && break; sleep 0.5; done
  [[ -f "$WORK/s3.properties" ]] || { cat "$WORK/server.log"; echo "S3 server did not start" >&2; exit 1; }
  prop() { grep "^$1=" "$WORK/s3.properties" | cut -d= -f2- | sed 's/\\:/:/g'; }
  ENDPOINT=$(prop endpoint); REGION=$(prop region); AK=$(prop accessKey); SK=$(prop secretKey)
fi
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Minio RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
export RCLONE_CONFIG_S3_ENDPOINT="$ENDPOINT" RCLONE_CONFIG_S3_REGION="$REGION"
export RCLONE_CONFIG_S3_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$SK"

echo "seeding bucket nas-bench: ${BIG_MIB} MiB file, folder of $LIST_N" >&2
mkdir -p "$WORK/seed/list" "$WORK/small"
# a BENCH_DIR reused by a second run keeps its seed, so the bucket is not uploaded again
[[ "$(stat -c %s "$WORK/seed/big.bin" 2>/dev/null)" == "$((BIG_MIB << 20))" ]] \
  || head -c "$((BIG_MIB << 20))" /dev/urandom > "$WORK/seed/big.bin"
for i in $(seq 1 "$LIST_N"); do printf 'entry %d\n' "$i" > "$WORK/seed/list/file-$(printf %05d "$i").bin"; done
for i in $(seq 1 "$PUT_N"); do printf 'small %d\n' "$i" > "$WORK/small/s$i.bin"; done
rclone mkdir s3:nas-bench
rclone copy "$WORK/seed" s3:nas-bench/seed --transfers 8 --checkers 16 --s3-upload-cutoff 5G
[[ "$(rclone size s3:nas-bench/seed --json)" == *"\"count\":$((LIST_N + 1)),"* ]] \
  || { rclone size s3:nas-bench/seed >&2; echo "seeding incomplete" >&2; exit 1; }

echo "starting ours (nas serve, cache mode $MODE) and rclone serve webdav" >&2
AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" \
  java -Xmx512m ${OURS_JAVA_OPTS:-} -jar "$OURS_JAR" nas serve --endpoint "$ENDPOINT" \
  --region "$REGION" --bucket nas-bench --cache-mode "$MODE" --cache-dir "$WORK/ours-cache" \
  > "$WORK/ours.out" 2> "$WORK/ours.log" &
PIDS+=($!)
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rclone serve webdav s3:nas-bench --addr "127.0.0.1:$RPORT" --vfs-cache-mode "$MODE" \
  --cache-dir "$WORK/rclone-cache" > "$WORK/rclone.log" 2>&1 &
PIDS+=($!)
# a JVM started under `nice -n 19` on a busy machine can take minutes
# the URL is the server's first line; a JVM option such as a flight recording may print before it
for _ in $(seq 1 "$((${START_WAIT:-120} * 2))"); do grep -q '^http' "$WORK/ours.out" && break; sleep 0.5; done
OURS=$(grep -m1 '^http' "$WORK/ours.out" || true)
[[ "$OURS" == http* ]] || { cat "$WORK/ours.log" >&2; exit 1; }
RCLONE="http://127.0.0.1:$RPORT/"
for _ in $(seq 1 60); do curl -s -o /dev/null "$RCLONE" && break; sleep 0.5; done

: > "$WORK/results"
t() { curl -s -o /dev/null -w '%{time_total}' "$@"; }
propfind() { t -X PROPFIND -H 'Depth: 1' "$1seed/list/"; }
# warm-up of both JVM/processes on something else than the measured objects
for s in "$OURS" "$RCLONE"; do t "$s" -X PROPFIND -H 'Depth: 1' >/dev/null; done

base_of() { if [[ $1 == ours ]]; then echo "$OURS"; else echo "$RCLONE"; fi; }
# Steps alternate the side that goes first from one repetition to the next: the S3 server (a JVM)
# and the page cache warm up as the run goes, which would favour whichever side always ran second.
order() { if (( $1 % 2 )); then echo rclone ours; else echo ours rclone; fi; }
for side in ours rclone; do # cold: each server's first listing of the folder
  echo "$side: PROPFIND of $LIST_N entries, cold" >&2
  echo "${side}_propfind_cold $(propfind "$(base_of $side)")" >> "$WORK/results"
done
echo "PROPFIND of $LIST_N entries, warm x$REPS" >&2
for r in $(seq 1 "$REPS"); do
  for side in $(order "$r"); do echo "${side}_propfind_warm $(propfind "$(base_of $side)")" >> "$WORK/results"; done
done
echo "GET of ${BIG_MIB} MiB x$READ_REPS" >&2
for r in $(seq 1 "$READ_REPS"); do
  for side in $(order "$r"); do
    read -r secs got < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$(base_of $side)seed/big.bin")
    [[ "$got" == "$((BIG_MIB << 20))" ]] || { echo "$side: GET read $got bytes" >&2; exit 1; }
    echo "${side}_read $secs" >> "$WORK/results"
  done
done
echo "$PUT_N PUTs on one connection x$PUT_REPS" >&2
for r in $(seq 1 "$PUT_REPS"); do
  for side in $(order "$r"); do
    base=$(base_of $side) dir="put-$side-$r-$RUN_ID"
    cfg="$WORK/$dir.cfg"; : > "$cfg"
    curl -s -X MKCOL -o /dev/null "${base}$dir/"
    for i in $(seq 1 "$PUT_N"); do printf 'upload-file = "%s"\nurl = "%s"\noutput = "/dev/null"\n' "$WORK/small/s$i.bin" "${base}$dir/s$i.bin" >> "$cfg"; done
    start=$(date +%s.%N); curl -s -K "$cfg"; end=$(date +%s.%N)
    echo "${side}_put $(echo "$end - $start" | bc)" >> "$WORK/results"
    if [[ "$MODE" == off ]]; then # write-back modes upload later; off means in S3 when answered
      # listed from the bucket root: rclone 1.60 lists a folder holding its own "put-x/" marker
      # object (ours keeps empty folders that way) as empty
      n=$(rclone lsf -R --files-only s3:nas-bench 2>/dev/null | grep -c "^$dir/." || true)
      [[ "$n" == "$PUT_N" ]] || { echo "$side: $n of $PUT_N PUTs reached S3" >&2; exit 1; }
    fi
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
python3 - "$WORK/results" "$BIG_MIB" "$LIST_N" "$PUT_N" "$MODE" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    rows.setdefault(k, []).append(float(v))
mib, n, puts, mode = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
med = lambda k: statistics.median(rows[k])
print(f"cache mode {mode}; medians of the repetitions; ratio < 1 means ours is faster")
print(f"{'step':34} {'ours s':>9} {'rclone s':>9} {'ours/rclone':>12}")
for step, label in [("read", f"GET {mib} MiB"), ("propfind_cold", f"PROPFIND {n} entries, cold"),
                    ("propfind_warm", f"PROPFIND {n} entries, warm"), ("put", f"{puts} small PUTs")]:
    o, r = med("ours_" + step), med("rclone_" + step)
    extra = f"  [{mib*1.048576/o:.0f} vs {mib*1.048576/r:.0f} MB/s]" if step == "read" else ""
    print(f"{label:34} {o:9.3f} {r:9.3f} {o/r:12.2f}{extra}")
PY
