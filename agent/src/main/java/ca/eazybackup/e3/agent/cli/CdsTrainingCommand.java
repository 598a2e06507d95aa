package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.sync.SyncEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cds-training} (hidden): the packaging's training run for the class-data sharing archive.
 * The build runs it once with {@code -XX:DumpLoadedClassList}, so the class list it ships names the
 * classes a user's agent loads: picocli and Jackson, the AWS SDK's request and response path, both
 * engines' backup and restore, a Time Machine serve answering PROPFIND and GET (Milton), and the
 * JDK's HTTP client the addon is polled with. Everything runs against a scratch S3 bucket on a tiny
 * generated tree; keys come from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} and the
 * repository password from {@code E3_REPO_PASSWORD}. Exit 0 only if every step worked: a class list
 * from a half-failed run would miss the classes of the steps that did not run.
 */
@Command(
    name = "cds-training",
    hidden = true,
    description = "Exercise the engines once so the build can record the classes they load.")
final class CdsTrainingCommand implements Callable<Integer> {
  @Option(names = "--endpoint", required = true)
  String endpoint;

  @Option(names = "--bucket", required = true)
  String bucket;

  @Option(names = "--dir", required = true, description = "scratch folder")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path src = tree(dir.resolve("src"));
    String[] at = {"--endpoint", endpoint, "--bucket", bucket, "--prefix", "kopia/"};
    String cache = dir.resolve("cache").toString();
    require("repo create", AgentMain.execute(concat("repo", "create", at, "--cache-dir", cache)));
    require(
        "repo backup",
        AgentMain.execute(concat("repo", "backup", at, "--cache-dir", cache, src.toString())));
    Files.writeString(src.resolve("changed.txt"), "a second snapshot differs\n");
    require(
        "repo backup",
        AgentMain.execute(concat("repo", "backup", at, "--cache-dir", cache, src.toString())));
    List<String> ids = snapshotIds(at, cache);
    String older = ids.get(0);
    String newer = ids.get(ids.size() - 1);
    require(
        "repo restore",
        AgentMain.execute(
            concat(
                "repo",
                "restore",
                at,
                "--cache-dir",
                cache,
                newer,
                dir.resolve("restored-kopia").toString())));
    require(
        "snapshot ls",
        AgentMain.execute(concat("snapshot", "ls", at, "--cache-dir", cache, "--snapshot", newer)));
    require(
        "snapshot diff",
        AgentMain.execute(
            concat("snapshot", "diff", at, "--cache-dir", cache, "--from", older, "--to", newer)));
    serve(at, newer);
    sync(src);
    require("version", AgentMain.execute("version"));
    return 0;
  }

  /** A few small files and one of 3 MiB (several chunks, a ranged GET when served). */
  private static Path tree(Path root) throws IOException {
    Random random = new Random(17);
    for (int i = 0; i < 24; i++) {
      Path f = root.resolve("d" + (i % 3)).resolve("f" + i + ".txt");
      Files.createDirectories(f.getParent());
      byte[] b = new byte[1000 + random.nextInt(30_000)];
      random.nextBytes(b);
      Files.write(f, b);
    }
    byte[] big = new byte[3 << 20];
    random.nextBytes(big);
    Files.write(root.resolve("big.bin"), big);
    return root;
  }

  private List<String> snapshotIds(String[] at, String cache) throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = RepoCommand.out;
    RepoCommand.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    try {
      require(
          "repo snapshots",
          AgentMain.execute(concat("repo", "snapshots", at, "--cache-dir", cache, "--json")));
    } finally {
      RepoCommand.out = previous;
    }
    List<String> ids = new ArrayList<>();
    new ObjectMapper()
        .readTree(captured.toString(StandardCharsets.UTF_8))
        .forEach(s -> ids.add(s.get("id").asText()));
    if (ids.size() < 2) {
      throw new IllegalStateException("cds-training: expected two snapshots, got " + ids);
    }
    return ids;
  }

  /** {@code snapshot serve}, a PROPFIND of the root and of a folder, a ranged and a whole GET. */
  private void serve(String[] at, String snapshot) throws Exception {
    SnapshotCommand.Serve serve = new SnapshotCommand.Serve();
    CompletableFuture<String> printed = new CompletableFuture<>();
    serve.out = new PrintStream(new FirstLine(printed), true, StandardCharsets.UTF_8);
    picocli.CommandLine cmd = new picocli.CommandLine(serve);
    List<String> args = new ArrayList<>(List.of(at));
    args.addAll(List.of("--cache-dir", dir.resolve("cache-serve").toString()));
    args.addAll(List.of("--snapshot", snapshot));
    CompletableFuture<Integer> served =
        CompletableFuture.supplyAsync(() -> cmd.execute(args.toArray(String[]::new)));
    try {
      CompletableFuture.anyOf(printed, served).get(2, TimeUnit.MINUTES);
      if (!printed.isDone()) {
        throw new IllegalStateException("cds-training: snapshot serve ended: " + served.get());
      }
      String base = printed.get().endsWith("/") ? printed.get() : printed.get() + "/";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      for (String path : List.of("", "d1/")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody())
                    .header("Depth", "1")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        requireHttp("PROPFIND /" + path, r.statusCode(), 207);
      }
      HttpResponse<byte[]> ranged =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "big.bin"))
                  .header("Range", "bytes=1000000-1999999")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      requireHttp("ranged GET", ranged.statusCode(), 206);
      HttpResponse<byte[]> whole =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "d0/f0.txt")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      requireHttp("GET", whole.statusCode(), 200);
    } finally {
      serve.stop();
    }
    require("snapshot serve", served.get(2, TimeUnit.MINUTES));
  }

  /** Completes with the first line written to it: the URL {@code snapshot serve} prints. */
  private static final class FirstLine extends OutputStream {
    private final CompletableFuture<String> line;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    FirstLine(CompletableFuture<String> line) {
      this.line = line;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        line.complete(buffer.toString(StandardCharsets.UTF_8).strip());
      } else {
        buffer.write(b);
      }
    }
  }

  /**
   * The sync engine's backup and restore, the job parsed from the addon's JSON as the service does.
   */
  private void sync(Path src) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode job = json.createObjectNode();
    job.put("run_id", 1).put("job_id", 1).put("job_name", "cds-training");
    job.put("run_type", "backup").put("engine", "sync").put("source_type", "local_agent");
    job.put("source_path", src.toString()).putArray("source_paths").add(src.toString());
    job.put("dest_type", "s3").put("dest_bucket", bucket).put("dest_prefix", "sync/");
    job.put("dest_endpoint", endpoint).put("dest_region", "us-east-1");
    job.put("dest_access_key", System.getenv("AWS_ACCESS_KEY_ID"));
    job.put("dest_secret_key", System.getenv("AWS_SECRET_ACCESS_KEY"));
    job.put("parallelism", 4);
    RunAssignment assignment = json.treeToValue(job, RunAssignment.class);
    SyncEngine engine = new SyncEngine();
    RepoCommand.CliContext ctx =
        new RepoCommand.CliContext(Files.createDirectories(dir.resolve("cache-sync")), true);
    requireOutcome("sync backup", engine.backup(assignment, ctx));
    requireOutcome(
        "sync restore",
        engine.restore(
            assignment,
            new RestoreRequest(
                null, dir.resolve("restored-sync").toString(), List.of(), "always", false),
            ctx));
    ctx.s3().close();
  }

  private static String[] concat(String a, String b, String[] at, String... rest) {
    List<String> all = new ArrayList<>(List.of(a, b));
    all.addAll(List.of(at));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }

  private static void require(String step, int exitCode) {
    if (exitCode != 0) {
      throw new IllegalStateException("cds-training: " + step + " exited " + exitCode);
    }
  }

  private static void requireHttp(String step, int status, int expected) {
    if (status != expected) {
      throw new IllegalStateException(
          "cds-training: " + step + " answered " + status + ", not " + expected);
    }
  }

  private static void requireOutcome(String step, RunOutcome o) {
    if (o.status() != RunStatus.SUCCESS) {
      throw new IllegalStateException(
          "cds-training: " + step + ": " + o.status() + " " + o.message());
    }
  }
}
