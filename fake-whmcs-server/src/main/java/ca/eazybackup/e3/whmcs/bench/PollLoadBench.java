package ca.eazybackup.e3.whmcs.bench;

import ca.eazybackup.e3.whmcs.FakeWhmcsServer;
import ca.eazybackup.e3.whmcs.ServerConfig;
import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * N simulated agents, each polling agent_next_run and agent_poll_pending_commands every interval
 * (phases spread evenly, as real agents drift apart), against an embedded fake addon on loopback or
 * a given URL; prints p50/p99/max latency per endpoint.
 */
@Command(name = "poll-load-bench", mixinStandardHelpOptions = true)
public final class PollLoadBench implements Callable<Integer> {
  @Option(names = "--agents", description = "Simulated agents. Default: ${DEFAULT-VALUE}")
  int agents = 2000;

  @Option(
      names = "--interval-seconds",
      description = "Poll interval per agent. Default: ${DEFAULT-VALUE}")
  int intervalSeconds = 5;

  @Option(names = "--duration-seconds", description = "Measured time. Default: ${DEFAULT-VALUE}")
  int durationSeconds = 60;

  @Option(
      names = "--warmup-seconds",
      description = "Unmeasured time first. Default: ${DEFAULT-VALUE}")
  int warmupSeconds = 10;

  @Option(
      names = "--runs",
      description = "Queued runs spread over the agents. Default: ${DEFAULT-VALUE}")
  int runs = 200;

  @Option(
      names = "--jdbc-url",
      description = "Database of the embedded server (default in-memory H2)")
  String jdbcUrl;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newFixedThreadPool(8))
          .build();
  private final AtomicLong reportedErrors = new AtomicLong();

  record Agent(long id, String token) {}

  @Override
  public Integer call() throws Exception {
    try (FakeWhmcsServer server =
        FakeWhmcsServer.start(ServerConfig.builder().jdbcUrl(jdbcUrl).build())) {
      String base = server.baseUrl();
      post(
          base + "/sim/settings",
          Map.of("cloudbackup_agent_s3_endpoint", "http://127.0.0.1:9000"),
          null);
      List<Agent> fleet = setUp(base);
      System.out.printf(
          "setup: %d agents, %d queued runs; warmup %d s, measuring %d s%n",
          agents, runs, warmupSeconds, durationSeconds);
      Recorder next = new Recorder();
      Recorder commands = new Recorder();
      AtomicLong errors = new AtomicLong();
      AtomicLong claimed = new AtomicLong();
      long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
      ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
      long periodMs = intervalSeconds * 1000L;
      for (int i = 0; i < fleet.size(); i++) {
        Agent a = fleet.get(i);
        long phase = periodMs * i / fleet.size();
        ticker.scheduleAtFixedRate(
            () -> {
              if (System.nanoTime() > end) {
                return;
              }
              boolean measure = System.nanoTime() >= measureFrom;
              timed(base + "/agent_next_run.php", a, measure ? next : null, errors)
                  .thenAccept(
                      body -> {
                        if (body != null && body.path("run").isObject()) {
                          claimed.incrementAndGet();
                        }
                      })
                  .thenCompose(
                      x ->
                          timed(
                              base + "/agent_poll_pending_commands.php",
                              a,
                              measure ? commands : null,
                              errors));
            },
            phase,
            periodMs,
            TimeUnit.MILLISECONDS);
      }
      TimeUnit.NANOSECONDS.sleep(end - System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
      ticker.shutdownNow();
      System.out.printf(
          "agents=%d interval=%ds measured=%ds claimed_runs=%d errors=%d%n",
          agents, intervalSeconds, durationSeconds, claimed.get(), errors.get());
      next.print("agent_next_run");
      commands.print("agent_poll_pending_commands");
      return errors.get() == 0 ? 0 : 1;
    }
  }

  private List<Agent> setUp(String base) throws Exception {
    JsonNode c = post(base + "/sim/create_client", Map.of("email", "bench@example.com"), null);
    long clientId = c.get("client_id").asLong();
    String session = c.get("session_token").asText();
    post(
        base + "/sim/create_bucket",
        Map.of(
            "client_id", clientId, "name", "bench-bucket", "access_key", "AK", "secret_key", "SK"),
        null);
    List<Agent> fleet = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      JsonNode a =
          post(
              base + "/sim/create_agent",
              Map.of("client_id", clientId, "hostname", "host-" + i),
              null);
      fleet.add(new Agent(a.get("agent_id").asLong(), a.get("agent_token").asText()));
    }
    for (int i = 0; i < runs; i++) {
      Agent a = fleet.get(i * Math.max(1, agents / Math.max(1, runs)) % agents);
      JsonNode job =
          post(
              base + "/cloudbackup_create_job.php",
              Map.of(
                  "name",
                  "job-" + i,
                  "agent_id",
                  a.id(),
                  "source_path",
                  "C:\\data",
                  "dest_bucket",
                  "bench-bucket"),
              session);
      post(
          base + "/cloudbackup_start_run.php",
          Map.of("job_id", job.get("job_id").asLong()),
          session);
    }
    return fleet;
  }

  private JsonNode post(String url, Object body, String session) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (session != null) {
      b.header("X-Client-Session", session);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return Json.MAPPER.readTree(r.body());
  }

  private CompletableFuture<JsonNode> timed(String url, Agent a, Recorder rec, AtomicLong errors) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-Agent-ID", String.valueOf(a.id()))
            .header("X-Agent-Token", a.token())
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    long t0 = System.nanoTime();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .handle(
            (r, e) -> {
              long micros = (System.nanoTime() - t0) / 1000;
              if (e != null || r.statusCode() != 200) {
                errors.incrementAndGet();
                if (reportedErrors.incrementAndGet() <= 5) {
                  System.out.println(
                      "error: " + url + " " + (e != null ? e : r.statusCode() + " " + r.body()));
                }
                return null;
              }
              if (rec != null) {
                rec.add(micros);
              }
              try {
                return Json.MAPPER.readTree(r.body());
              } catch (java.io.IOException x) {
                errors.incrementAndGet();
                return null;
              }
            });
  }

  /** Latency samples in microseconds. */
  static final class Recorder {
    private long[] samples = new long[1 << 16];
    private int n;

    synchronized void add(long micros) {
      if (n == samples.length) {
        samples = Arrays.copyOf(samples, n * 2);
      }
      samples[n++] = micros;
    }

    synchronized void print(String name) {
      long[] s = Arrays.copyOf(samples, n);
      Arrays.sort(s);
      if (n == 0) {
        System.out.printf("%-28s no samples%n", name);
        return;
      }
      System.out.printf(
          "%-28s requests=%d p50=%.1fms p99=%.1fms max=%.1fms%n",
          name,
          n,
          s[n / 2] / 1000.0,
          s[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1000.0,
          s[n - 1] / 1000.0);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PollLoadBench()).execute(args));
  }
}
