#!/usr/bin/env bash
# Ours (Kopia-format engine) vs restic on the peer-baseline dataset, one S3 server (S3Proxy via
# s3-fixtures), one run. Then a heap check on a 1,000,000-file tree with -Xmx512m.
# Usage: perf/kopia-bench.sh [workdir] [heap-check-files]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-perf/target/kopia-bench}"
HEAP_FILES="${2:-1000000}"
unset AWS_CA_BUNDLE || true
if ! command -v restic >/dev/null; then
  echo "installing Debian's restic"
  if [ "$(id -u)" = 0 ]; then apt-get install -y restic; else sudo apt-get install -y restic; fi
fi
# One reactor run builds the modules and writes perf's classpath (reactor jars included), so it
# works on a fresh machine without anything installed in ~/.m2.
CPFILE="$(mktemp)"
./mvnw -B -q -pl perf -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$CPFILE"
CP="perf/target/classes:agent/target/classes:s3-fixtures/target/classes:$(cat "$CPFILE")"
rm -f "$CPFILE"
mkdir -p "$WORK"
java -Xmx2g -Dlogback.configurationFile=perf/kopia-bench-logback.xml -cp "$CP" ca.eazybackup.e3.perf.kopia.KopiaBench "$WORK" peer-baseline
if [ "$HEAP_FILES" != "0" ]; then
  java -Xmx512m -Dlogback.configurationFile=perf/kopia-bench-logback.xml -cp "$CP" ca.eazybackup.e3.perf.kopia.HeapCheck "$WORK/heap" "$HEAP_FILES"
fi
