package ca.eazybackup.e3.perf.poll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load client of {@code perf/poll-bench.sh}: N simulated agents against a fake addon running in
 * ANOTHER process. Each agent polls agent_next_run and agent_poll_pending_commands on two
 * independent schedules (as the agent's two loops do), every interval with jitter. Open loop: a
 * request's latency counts from its scheduled send time, so a slow server cannot hide its backlog
 * by slowing the client down (no coordinated omission). At most {@code --connections} requests are
 * in flight; the rest wait, and that wait is part of their latency.
 */
@Command(name = "poll-bench", mixinStandardHelpOptions = true)
public final class PollBench implements Callable<Integer> {
  static final String NEXT_RUN = "agent_next_run";
  static final String POLL_COMMANDS = "agent_poll_pending_commands";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--base-url", required = true, description = "The addon's API base URL")
  URI baseUrl;

  @Option(names = "--agents", description = "Simulated agents. Default: ${DEFAULT-VALUE}")
  int agents = 2000;

  @Option(
      names = "--interval-seconds",
      description = "Poll interval per agent and endpoint. Default: ${DEFAULT-VALUE}")
  double intervalSeconds = 5;

  @Option(
      names = "--jitter-percent",
      description =
          "Each send moves by up to ± this share of the interval. Default: ${DEFAULT-VALUE}")
  double jitterPercent = 10;

  @Option(
      names = "--warmup-seconds",
      description = "Unmeasured load first (JIT, pools). Default: ${DEFAULT-VALUE}")
  int warmupSeconds = 40;

  @Option(names = "--duration-seconds", description = "Measured time. Default: ${DEFAULT-VALUE}")
  int durationSeconds = 30;

  @Option(
      names = "--runs",
      description =
          "Queued runs spread over the agents (claimed while measuring). Default: ${DEFAULT-VALUE}")
  int runs = 200;

  @Option(
      names = "--connections",
      description =
          "Most requests in flight (HTTP/1.1 keep-alive connections). Default: ${DEFAULT-VALUE}")
  int connections = 64;

  @Option(
      names = "--server-pid",
      description = "Server process whose CPU time (/proc/PID/stat) is reported")
  Long serverPid;

  @Option(
      names = "--clock-ticks",
      description = "getconf CLK_TCK, for /proc/PID/stat. Default: ${DEFAULT-VALUE}")
  long clockTicks = 100;

  @Option(names = "--timeline", description = "Also print the worst latency of every second")
  boolean timeline;

  private HttpClient http;
  private String base;

  @Override
  public Integer call() throws Exception {
    String url = baseUrl.toString();
    base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            // Answers are handled on the client's selector thread: thread hand-offs were a
            // third of the client's CPU, and the client shares the machine with the server.
            .executor(Runnable::run)
            .build();
    List<Fleet.Agent> fleet = new Fleet(this::post).create(agents, runs);
    System.out.printf(
        "setup: %d agents, %d queued runs; interval %.1f s ±%.0f %%, %d connections;"
            + " warm-up %d s, measuring %d s%n",
        agents, runs, intervalSeconds, jitterPercent, connections, warmupSeconds, durationSeconds);

    long periodNanos = (long) (intervalSeconds * 1e9);
    long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long measureFrom = origin + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
    Dispatcher dispatcher = new Dispatcher(http, connections, Duration.ofSeconds(10));
    Recorder nextRun = new Recorder(NEXT_RUN, measureFrom);
    Recorder commands = new Recorder(POLL_COMMANDS, measureFrom);
    AtomicLong claimed = new AtomicLong();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("ticker"));
    long jitterNanos = (long) (periodNanos * jitterPercent / 100);
    for (int i = 0; i < fleet.size(); i++) {
      Fleet.Agent a = fleet.get(i);
      // Phases spread evenly (real agents drift apart); the two loops of one agent are unrelated.
      long phaseRun = periodNanos * i / fleet.size();
      long phaseCmd = (phaseRun + periodNanos / 2) % periodNanos;
      new Poller(
              ticker,
              dispatcher,
              request(NEXT_RUN, a, "{\"hostname\":\"" + a.hostname() + "\"}"),
              nextRun,
              origin + phaseRun,
              periodNanos,
              jitterNanos,
              measureFrom,
              end,
              body -> {
                if (body.contains("\"run\":{")) {
                  claimed.incrementAndGet();
                }
              })
          .start();
      new Poller(
              ticker,
              dispatcher,
              request(POLL_COMMANDS, a, "{}"),
              commands,
              origin + phaseCmd,
              periodNanos,
              jitterNanos,
              measureFrom,
              end,
              body -> {})
          .start();
    }

    sleepUntil(measureFrom);
    CpuClock server = serverPid == null ? null : new CpuClock(serverPid, clockTicks);
    double serverCpu0 = server == null ? 0 : server.seconds();
    Map<String, Double> threads0 = server == null ? Map.of() : server.byThreadGroup();
    double clientCpu0 = clientCpuSeconds();
    CpuClock client = new CpuClock(ProcessHandle.current().pid(), clockTicks);
    Map<String, Double> clientThreads0 = client.byThreadGroup();
    sleepUntil(end);
    double serverCpu = server == null ? Double.NaN : server.seconds() - serverCpu0;
    Map<String, Double> threads = server == null ? Map.of() : server.byThreadGroup();
    double clientCpu = clientCpuSeconds() - clientCpu0;
    Map<String, Double> clientThreads = client.byThreadGroup();
    // Requests scheduled before the end may still be in flight: wait for them (bounded).
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
    while ((dispatcher.inFlight() > 0 || dispatcher.queued() > 0)
        && System.nanoTime() < drainUntil) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    ticker.shutdownNow();

    long total = nextRun.count() + commands.count();
    long errors = nextRun.errors() + commands.errors();
    System.out.printf(
        "agents=%d interval=%.1fs measured=%ds requests=%d (%.1f/s, offered %.1f/s) errors=%d"
            + " runs_claimed=%d connections_max=%d%n",
        agents,
        intervalSeconds,
        durationSeconds,
        total,
        total / (double) durationSeconds,
        2 * agents / intervalSeconds,
        errors,
        claimed.get(),
        connections);
    System.out.println(Recorder.header());
    nextRun.print();
    commands.print();
    if (timeline) {
      nextRun.printTimeline(durationSeconds);
      commands.printTimeline(durationSeconds);
    }
    if (server != null) {
      System.out.printf(
          "server cpu: %.2f s over %d s = %.2f cores, %.3f ms per request%n",
          serverCpu,
          durationSeconds,
          serverCpu / durationSeconds,
          1000 * serverCpu / Math.max(1, total));
      System.out.println("server cpu by thread group (s):" + topGroups(threads0, threads));
    }
    System.out.printf(
        "client cpu: %.2f s over %d s = %.2f cores, %.3f ms per request%n",
        clientCpu,
        durationSeconds,
        clientCpu / durationSeconds,
        1000 * clientCpu / Math.max(1, total));
    System.out.println(
        "client cpu by thread group (s):" + topGroups(clientThreads0, clientThreads));
    dispatcher.errorSamples().forEach(e -> System.out.println("error sample: " + e));
    return errors == 0 ? 0 : 1;
  }

  private HttpRequest request(String endpoint, Fleet.Agent a, String body) {
    return HttpRequest.newBuilder(URI.create(base + "/" + endpoint + ".php"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-Agent-ID", String.valueOf(a.id()))
        .header("X-Agent-Token", a.token())
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private JsonNode post(String endpoint, Map<String, Object> body, String session)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/" + endpoint))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (session != null) {
      b.header("X-Client-Session", session);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(endpoint + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The thread groups that used the most CPU between two snapshots. */
  private static String topGroups(Map<String, Double> before, Map<String, Double> after) {
    StringBuilder b = new StringBuilder();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.01)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> b.append(String.format(" %s %.2f", e.getKey(), e.getValue())));
    return b.toString();
  }

  private static double clientCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, "poll-bench-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Jitter for one send: uniform in ±jitter. */
  static long jitter(long jitterNanos) {
    return jitterNanos == 0
        ? 0
        : ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PollBench()).execute(args));
  }
}
