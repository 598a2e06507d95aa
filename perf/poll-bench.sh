#!/usr/bin/env bash
# N simulated agents polling the fake addon every 5 s (issue 3): the addon runs as its own JVM,
# the load client as another; prints p50/p99/p99.9/max per endpoint and the server's CPU time.
# Usage (from anywhere): perf/poll-bench.sh [load-client options, e.g. --agents 2000 --duration-seconds 30]
#   JDBC_URL=url     the addon's database (default: its in-memory H2), e.g.
#                    'jdbc:mariadb://127.0.0.1:3306/whmcs_bench?user=root' (an EMPTY database)
#   SERVER_JAVA_OPTS, CLIENT_JAVA_OPTS  extra JVM options (e.g. JFR: -XX:StartFlightRecording=filename=x.jfr)
#   BENCH_DIR=path   work folder (default: a fresh mktemp -d, removed at the end unless KEEP=1)
#   SKIP_BUILD=1     use the jars/classes already built
#   SERVER_JAR=path  another build of the addon (e3sim.jar), e.g. to compare before/after in one sitting
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${BENCH_DIR:-$(mktemp -d /tmp/e3-poll-bench.XXXXXX)}
mkdir -p "$WORK"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -s perf/target/poll-bench-cp.txt ]]; then
  echo "building fake-whmcs-server + perf" >&2
  # One invocation: the classpath of perf needs the reactor's freshly packaged modules.
  # The relative output file lands in each module's own target/.
  ./mvnw -B -q -pl fake-whmcs-server,perf -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/poll-bench-cp.txt >/dev/null
fi
CLIENT_CP="perf/target/classes:$(cat perf/target/poll-bench-cp.txt)"

cat > "$WORK/logback.xml" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} %msg%n</pattern></encoder>
  </appender>
  <logger name="org.eclipse.jetty" level="WARN"/>
  <logger name="com.zaxxer.hikari" level="WARN"/>
  <logger name="org.flywaydb" level="WARN"/>
  <root level="INFO"><appender-ref ref="ERR"/></root>
</configuration>
XML

SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [[ "${KEEP:-0}" == 1 || -n "${BENCH_DIR:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "starting the fake addon (its own JVM)" >&2
# shellcheck disable=SC2086
java ${SERVER_JAVA_OPTS:-} -Dlogback.configurationFile="$WORK/logback.xml" \
  -cp "${SERVER_JAR:-fake-whmcs-server/target/e3sim.jar}" ca.eazybackup.e3.whmcs.FakeWhmcsMain --port 0 \
  ${JDBC_URL:+--jdbc-url "$JDBC_URL"} --admin-token poll-bench >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
BASE=
for _ in $(seq 1 240); do
  BASE=$(sed -n 's/^fake WHMCS addon at //p' "$WORK/server.out" 2>/dev/null || true)
  [[ -n "$BASE" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
[[ -n "$BASE" ]] || { cat "$WORK/server.log" >&2; echo "the fake addon did not start" >&2; exit 1; }
echo "addon at $BASE (pid $SERVER_PID); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

status=0
java -Xmx512m ${CLIENT_JAVA_OPTS:-} -cp "$CLIENT_CP" ca.eazybackup.e3.perf.poll.PollBench --base-url "$BASE" \
  --server-pid "$SERVER_PID" --clock-ticks "$(getconf CLK_TCK)" "$@" || status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q -E ' (ERROR|WARN) ' "$WORK/server.log"; then
  echo "server warnings/errors (first 5):"; grep -E ' (ERROR|WARN) ' "$WORK/server.log" | head -5
fi
exit $status
