package ca.eazybackup.e3.whmcs.sim;

import ca.eazybackup.e3.s3fixtures.S3TreeVerifier;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import ca.eazybackup.e3.whmcs.ServerConfig;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.Tenant;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./e3sim demo|up}: the fake addon, an S3 server and a real agent process; one demo job
 * backed up, followed live and verified byte for byte in S3.
 */
@Command(
    name = "e3sim",
    mixinStandardHelpOptions = true,
    subcommands = {E3Sim.Demo.class, E3Sim.Up.class},
    description = "Local simulation of the e3 backup system.")
public final class E3Sim implements Callable<Integer> {
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  @Override
  public Integer call() {
    CommandLine.usage(this, OUT);
    return 2;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new E3Sim()).execute(args));
  }

  /** Options shared by demo and up. */
  static class Settings {
    @Option(names = "--agent-jar", required = true, description = "the agent's shaded jar")
    Path agentJar;

    @Option(
        names = "--work-dir",
        defaultValue = ".e3sim",
        description = "where the tree, agent home and logs go (wiped on start)")
    Path workDir;

    @Option(
        names = "--s3",
        description =
            "S3 server: s3proxy (default), minio, ceph; S3_ENDPOINT=… uses an external one")
    String s3;

    @Option(names = "--engine", defaultValue = "sync", description = "sync or kopia")
    String engine;

    @Option(names = "--tree", defaultValue = "demo", description = "tree preset: small, demo")
    String tree;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the generated tree")
    long seed;

    @Option(names = "--port", defaultValue = "0", description = "addon port (0 = any free port)")
    int port;

    @Option(
        names = "--timeout-seconds",
        defaultValue = "600",
        description = "give up on the demo run after this long")
    long timeoutSeconds;
  }

  @Command(name = "demo", description = "Run one backup end to end; exit 0 only if S3 verifies.")
  static final class Demo implements Callable<Integer> {
    @CommandLine.Mixin Settings settings = new Settings();

    @Override
    public Integer call() throws Exception {
      return new Simulation(settings).run(false);
    }
  }

  @Command(name = "up", description = "Like demo, then stay up until Ctrl-C.")
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin Settings settings = new Settings();

    @Override
    public Integer call() throws Exception {
      return new Simulation(settings).run(true);
    }
  }

  /** One simulation session. */
  static final class Simulation {
    private final Settings s;

    Simulation(Settings s) {
      this.s = s;
    }

    int run(boolean stayUp) throws Exception {
      if (s.s3 != null) {
        System.setProperty("s3.fixture", s.s3.toLowerCase(Locale.ROOT));
      }
      Path work = s.workDir.toAbsolutePath();
      deleteTree(work);
      Files.createDirectories(work);
      long started = System.nanoTime();
      say("e3sim: starting the S3 server and the fake WHMCS addon…");
      try (SimEnvironment env = SimEnvironment.start(ServerConfig.defaults().withPort(s.port))) {
        Tenant tenant = env.newTenant("demo@example.com");
        // The console first: it is where a person starts.
        say("  console %s", clientConsoleUrl(env, tenant));
        say("  admin   %s", adminConsoleUrl(env));
        say("  S3      %s (%s)", env.s3().endpoint(), env.s3().kind());
        say("  addon   %s", env.addon().baseUrl());

        AgentAccount account = tenant.newAgent("demo-pc");
        String bucket = "e3-demo";
        tenant.newBucket(bucket, true);

        // On the simulated Windows host's C: drive, so the console's folder browser shows it.
        Path windowsHost = work.resolve("windows-host");
        Path source = windowsHost.resolve("drives/C/Users/demo/Documents");
        String sourcePath = "C:\\Users\\demo\\Documents";
        say(
            "e3sim: generating the '%s' tree (seed %d) in %s (%s)…",
            s.tree, s.seed, sourcePath, source);
        TreeManifest manifest = TestTree.generate(TreeSpec.named(s.tree), s.seed, source);
        say("  %d files, %s", manifest.fileCount(), ProgressLine.bytes(manifest.totalBytes()));

        Map<String, String> agentEnv = new LinkedHashMap<>();
        agentEnv.put("E3_SIMHOST_ROOT", windowsHost.toString());
        agentEnv.put("E3_SIMHOST_JOURNAL", work.resolve("windows-host-journal.jsonl").toString());
        try (AgentProcess agent =
            tenant.agentProcess(s.agentJar, work.resolve("agent"), account, 1.0, agentEnv)) {
          agent.start();
          say("e3sim: agent process started (pid %d, agent id %d)", agent.pid(), account.agentId());

          Map<String, Object> job = new LinkedHashMap<>();
          job.put("name", "Demo documents");
          job.put("source_type", "local_agent");
          job.put("agent_id", account.agentId());
          job.put("engine", s.engine);
          job.put("source_path", sourcePath);
          job.put("dest_bucket", bucket);
          job.put("dest_prefix", "demo-pc/documents");
          job.put("parallelism", 4);
          long jobId = tenant.api().post("cloudbackup_create_job.php", job).path("job_id").asLong();
          long runId =
              tenant
                  .api()
                  .post("cloudbackup_start_run.php", Map.of("job_id", jobId))
                  .path("run_id")
                  .asLong();
          say("e3sim: job %d created, run %d queued; following it:", jobId, runId);

          JsonNode run =
              RunWatcher.awaitTerminal(
                  tenant.api(),
                  jobId,
                  runId,
                  Duration.ofSeconds(s.timeoutSeconds),
                  r -> say("%s", ProgressLine.of(r)));
          String status = run.path("status").asText();
          boolean verified = false;
          if (status.equals("success") && s.engine.equals("sync")) {
            TreeManifest.Differences diff =
                S3TreeVerifier.using(env.s3().client())
                    .compare(bucket, "demo-pc/documents", manifest);
            verified = diff.none();
            say(
                "e3sim: S3 verification: %s",
                verified ? "every object equals its source file" : diff.summary());
          } else if (status.equals("success")) {
            verified = true;
            say("e3sim: kopia snapshot saved (verified by the agent's own read-back)");
          } else {
            say("e3sim: run ended %s: %s", status, run.path("error_summary").asText());
          }
          double secs = (System.nanoTime() - started) / 1e9;
          say("");
          say("Summary");
          say("  run        %d: %s", runId, status);
          say("  files      %d", run.path("files_done").asLong());
          say("  bytes      %s", ProgressLine.bytes(run.path("bytes_transferred").asLong()));
          say("  time       %.1f s", secs);
          say("  verified   %s", verified ? "yes" : "NO");
          say("  look at    s3://%s/demo-pc/documents at %s", bucket, env.s3().endpoint());
          say("             agent logs in %s", agent.home());
          say("             events: POST %s/cloudbackup_get_run_events.php", env.addon().baseUrl());
          if (stayUp) {
            stayUp(env, tenant, account, agent);
          }
          return verified ? 0 : 1;
        }
      }
    }

    private void stayUp(SimEnvironment env, Tenant tenant, AgentAccount account, AgentProcess agent)
        throws InterruptedException {
      say("");
      say("e3sim is up. Ctrl-C stops everything.");
      say("  console (client)   %s", clientConsoleUrl(env, tenant));
      say("  console (admin)    %s", adminConsoleUrl(env));
      say("  addon base URL     %s", env.addon().baseUrl());
      say("  client session     X-Client-Session: %s", sessionOf(tenant));
      say("  agent              id %d, token %s", account.agentId(), account.token());
      say("  S3 endpoint        %s (region %s)", env.s3().endpoint(), env.s3().region());
      say("  S3 access key      %s", env.s3().accessKey());
      say("  S3 secret key      %s", env.s3().secretKey());
      CountDownLatch stop = new CountDownLatch(1);
      // Ctrl-C runs shutdown hooks, not the try-with-resources above: stop the agent and the
      // servers from the hook itself so that nothing is left running.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    say("e3sim: stopping…");
                    agent.stop(Duration.ofSeconds(10));
                    env.close();
                    stop.countDown();
                  },
                  "e3sim-stop"));
      stop.await();
    }

    /**
     * The client pages, signed in: the session token rides in the fragment, which the browser never
     * sends to the server; the page keeps it for the tab and removes it from the address.
     */
    static String clientConsoleUrl(SimEnvironment env, Tenant tenant) {
      return env.addon().consoleUrl() + "#session=" + sessionOf(tenant);
    }

    static String adminConsoleUrl(SimEnvironment env) {
      return env.addon().consoleUrl()
          + "admin.html#admin_token="
          + env.addon().config().adminToken();
    }

    private static String sessionOf(Tenant tenant) {
      return tenant.api().clientSession();
    }

    private static void deleteTree(Path dir) throws IOException {
      if (!Files.exists(dir)) {
        return;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }

    private static void say(String fmt, Object... args) {
      OUT.println(String.format(Locale.ROOT, fmt, args));
    }
  }
}
