package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventOnlyProgress;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.timemachine.SnapshotComparison;
import ca.eazybackup.e3.agent.timemachine.SnapshotRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code e3-backup-agent repo ...}: a support engineer's view of one Kopia-format repository, as
 * {@code kopia} and {@code restic} give one, through the same engine the agent runs. S3 keys come
 * from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} and the password from {@code
 * E3_REPO_PASSWORD}, never from the command line (where {@code ps} would show them). Exit codes: 0
 * ok, 1 failed, 2 bad usage (picocli), 3 verify found damage.
 */
@Command(
    name = "repo",
    description =
        "Create, inspect and maintain a Kopia-format repository (snapshots, ls, diff, verify,"
            + " maintenance).",
    subcommands = {
      RepoCommand.Create.class,
      RepoCommand.Snapshots.class,
      RepoCommand.Ls.class,
      RepoCommand.Diff.class,
      RepoCommand.Backup.class,
      RepoCommand.Restore.class,
      RepoCommand.Verify.class,
      RepoCommand.Maintenance.class
    })
final class RepoCommand implements Runnable {
  static final int FAILED = 1;
  static final int DAMAGED = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Environment and output; tests replace them. */
  static Map<String, String> env = System.getenv();

  static PrintStream out = System.out;
  static PrintStream err = System.err;

  @Override
  public void run() {
    err.println(
        "repo: name a subcommand: create, snapshots, ls, diff, backup, restore, verify or"
            + " maintenance (see --help)");
  }

  /** Where the repository is and how to open it. */
  static final class Location {
    @Option(names = "--endpoint", description = "S3 endpoint URL")
    String endpoint;

    @Option(names = "--region", description = "S3 region (default us-east-1)")
    String region;

    @Option(names = "--bucket", description = "S3 bucket")
    String bucket;

    @Option(names = "--prefix", description = "key prefix of the repository in the bucket")
    String prefix = "";

    @Option(names = "--path", description = "a repository in a local folder instead of S3")
    Path path;

    @Option(names = "--cache-dir", description = "index cache (also finds index blobs lost since)")
    Path cacheDir;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    RunAssignment job() {
      return job(List.of());
    }

    /** The repository as a job backing up {@code sources} (created on the first backup). */
    RunAssignment job(List<String> sources) {
      return job(sources, null);
    }

    /** The repository as a job with {@code policy_json} {@code policy} (object lock). */
    RunAssignment job(List<String> sources, JsonNode policy) {
      String password = env.get("E3_REPO_PASSWORD");
      if (password == null || password.isEmpty()) {
        throw new UsageException("set the repository password in E3_REPO_PASSWORD");
      }
      boolean local = path != null;
      if (!local && (bucket == null || bucket.isBlank() || endpoint == null)) {
        throw new UsageException("name the repository: --endpoint and --bucket, or --path");
      }
      String access = env.get("AWS_ACCESS_KEY_ID");
      String secret = env.get("AWS_SECRET_ACCESS_KEY");
      if (!local && (access == null || secret == null)) {
        throw new UsageException("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
      }
      return new RunAssignment(
          null,
          0,
          "repo",
          "maintenance",
          "kopia",
          "local_agent",
          sources.isEmpty() ? null : sources.get(0),
          sources,
          local ? "local" : "s3",
          bucket,
          local ? "" : prefix,
          local ? path.toString() : null,
          endpoint,
          region,
          access,
          secret,
          false,
          "",
          "",
          0,
          0,
          4,
          "",
          "zstd",
          password,
          null,
          null,
          policy,
          null,
          false,
          null);
    }

    RunContext context() {
      return new CliContext(cacheDir, json);
    }
  }

  /** A usage mistake: printed, exit 1, nothing touched. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static int guarded(Callable<Integer> body) {
    try {
      return body.call();
    } catch (UsageException e) {
      err.println("repo: " + e.getMessage());
      return FAILED;
    } catch (Exception e) {
      err.println("repo: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return FAILED;
    }
  }

  private static int print(RunOutcome o, boolean json, int damagedCode) throws Exception {
    if (json) {
      ObjectNode n = JSON.createObjectNode();
      n.put("status", o.status().wire());
      n.put("message", o.message());
      n.set("stats", JSON.valueToTree(o.stats()));
      out.println(JSON.writeValueAsString(n));
    } else {
      out.println(o.message());
      o.stats().forEach((k, v) -> out.println("  " + k + ": " + v));
    }
    return switch (o.status()) {
      case SUCCESS, WARNING -> 0;
      default -> damagedCode;
    };
  }

  @Command(
      name = "create",
      description =
          "Create a new repository; fails when one exists. --object-lock-mode/--object-lock-days"
              + " lock its blobs on S3 (the bucket must have object lock enabled).")
  static final class Create implements Callable<Integer> {
    @Mixin Location at = new Location();

    @Option(
        names = "--object-lock-mode",
        paramLabel = "MODE",
        description = "GOVERNANCE or COMPLIANCE (default: no object lock)")
    String lockMode;

    @Option(
        names = "--object-lock-days",
        paramLabel = "DAYS",
        description = "how long each blob stays locked (1 or more; default 30)")
    int lockDays = 30;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            JsonNode policy = null;
            if (lockMode != null && !lockMode.isBlank()) {
              ObjectNode p = JSON.createObjectNode();
              p.putObject("object_lock").put("mode", lockMode).put("days", lockDays);
              policy = p;
            }
            RunAssignment job = at.job(List.of(), policy);
            RunContext ctx = at.context();
            KopiaEngine engine = new KopiaEngine();
            if (engine.repositoryExists(job, ctx)) {
              throw new UsageException("a repository already exists there; nothing was changed");
            }
            return print(engine.createRepository(job, ctx), at.json, FAILED);
          });
    }
  }

  @Command(name = "snapshots", description = "List every snapshot in the repository.")
  static final class Snapshots implements Callable<Integer> {
    @Mixin Location at = new Location();

    @Override
    public Integer call() {
      return guarded(
          () -> {
            List<SnapshotManifest> all = new KopiaEngine().snapshots(at.job(), at.context());
            if (at.json) {
              ArrayNode arr = JSON.createArrayNode();
              for (SnapshotManifest m : all) {
                ObjectNode n = arr.addObject();
                n.put("id", m.id());
                n.put("host", m.source().host());
                n.put("user", m.source().userName());
                n.put("path", m.source().path());
                n.put("start_time", String.valueOf(m.startTime()));
                n.put("incomplete", m.incomplete());
                n.put("files", m.stats() == null ? 0 : m.stats().fileCount());
                n.put("bytes", m.stats() == null ? 0 : m.stats().totalSize());
              }
              out.println(JSON.writeValueAsString(arr));
            } else {
              for (SnapshotManifest m : all) {
                out.printf(
                    "%s  %s  %s@%s:%s  %d files  %d bytes%s%n",
                    m.id(),
                    m.startTime(),
                    m.source().userName(),
                    m.source().host(),
                    m.source().path(),
                    m.stats() == null ? 0 : m.stats().fileCount(),
                    m.stats() == null ? 0 : m.stats().totalSize(),
                    m.isComplete() ? "" : "  (" + m.incomplete() + ")");
              }
              out.println(all.size() + " snapshots");
            }
            return 0;
          });
    }
  }

  @Command(
      name = "ls",
      description =
          "List a folder of a snapshot (its root by default); --recursive lists below it.")
  static final class Ls implements Callable<Integer> {
    @Mixin Location at = new Location();

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "SNAPSHOT", description = "its id")
    String snapshot;

    @picocli.CommandLine.Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "PATH",
        description = "a folder in the snapshot, '/'-separated")
    String path = "";

    @Option(
        names = {"-r", "--recursive"},
        description = "list every entry below the folder")
    boolean recursive;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (Repository repo = new KopiaEngine().openExisting(at.job(), at.context())) {
              SnapshotRepository snapshots = SnapshotRepository.of(repo);
              DirEntry dir = SnapshotListing.find(snapshots, snapshot, path);
              ArrayNode arr = JSON.createArrayNode();
              long[] count = {0};
              SnapshotListing.walk(
                  snapshots.objects(),
                  dir,
                  "",
                  recursive,
                  (p, e) -> {
                    count[0]++;
                    if (at.json) {
                      ObjectNode n = arr.addObject();
                      n.put("path", p);
                      n.put("type", SnapshotListing.typeName(e));
                      n.put("size", SnapshotListing.size(e));
                      n.put("mode", String.format("%04o", e.mode()));
                      n.put("mtime", e.mtime() == null ? null : e.mtime().toString());
                      if (e.obj() != null) {
                        n.put("obj", e.obj().toString());
                      }
                    } else {
                      out.printf(
                          "%s %04o %12d  %s  %s%s%n",
                          e.type(),
                          e.mode(),
                          SnapshotListing.size(e),
                          e.mtime(),
                          p,
                          e.isDirectory() ? "/" : "");
                    }
                  });
              if (at.json) {
                out.println(JSON.writeValueAsString(arr));
              } else {
                out.println(count[0] + " entries");
              }
              return 0;
            }
          });
    }
  }

  @Command(
      name = "diff",
      description = "Files and folders added, removed and modified between two snapshots.")
  static final class Diff implements Callable<Integer> {
    @Mixin Location at = new Location();

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "FROM", description = "older id")
    String from;

    @picocli.CommandLine.Parameters(index = "1", paramLabel = "TO", description = "newer id")
    String to;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (Repository repo = new KopiaEngine().openExisting(at.job(), at.context())) {
              ObjectNode r =
                  SnapshotComparison.compare(
                      SnapshotRepository.of(repo), from, to, Integer.MAX_VALUE);
              if (at.json) {
                out.println(JSON.writeValueAsString(r));
                return 0;
              }
              for (JsonNode c : r.get("changes")) {
                String kind = c.get("kind").asText();
                String p =
                    c.get("path").asText() + ("dir".equals(c.get("type").asText()) ? "/" : "");
                switch (kind) {
                  case "added" -> out.printf("+ %s  (%d bytes)%n", p, c.get("new_size").asLong());
                  case "removed" -> out.printf("- %s  (%d bytes)%n", p, c.get("old_size").asLong());
                  default ->
                      out.printf(
                          "M %s  (%d -> %d bytes)%n",
                          p, c.get("old_size").asLong(), c.get("new_size").asLong());
                }
              }
              JsonNode t = r.get("totals");
              out.printf(
                  "%d added (%d bytes), %d removed (%d bytes), %d modified%n",
                  t.get("added_files").asLong(),
                  t.get("added_bytes").asLong(),
                  t.get("removed_files").asLong(),
                  t.get("removed_bytes").asLong(),
                  t.get("modified_files").asLong());
              return 0;
            }
          });
    }
  }

  @Command(
      name = "backup",
      description = "Snapshot a folder into the repository (created if there is none).")
  static final class Backup implements Callable<Integer> {
    @Mixin Location at = new Location();

    @picocli.CommandLine.Parameters(paramLabel = "FOLDER", description = "the folder to back up")
    Path folder;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            if (!Files.isDirectory(folder)) {
              throw new UsageException("no folder at " + folder);
            }
            String source = folder.toAbsolutePath().normalize().toString();
            return print(
                new KopiaEngine().backup(at.job(List.of(source)), at.context()), at.json, FAILED);
          });
    }
  }

  @Command(name = "restore", description = "Restore a snapshot (or a path in it) to a folder.")
  static final class Restore implements Callable<Integer> {
    @Mixin Location at = new Location();

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "SNAPSHOT", description = "its id")
    String snapshot;

    @picocli.CommandLine.Parameters(index = "1", paramLabel = "TARGET", description = "folder")
    Path target;

    @Option(names = "--path-in-snapshot", description = "restore only these paths")
    List<String> paths = List.of();

    @Override
    public Integer call() {
      return guarded(
          () ->
              print(
                  new KopiaEngine()
                      .restore(
                          at.job(),
                          new ca.eazybackup.e3.agent.engine.RestoreRequest(
                              snapshot, target.toAbsolutePath().toString(), paths, "always", false),
                          at.context()),
                  at.json,
                  FAILED));
    }
  }

  @Command(
      name = "verify",
      description =
          "Check every snapshot's tree and contents; --read-data PCT also reads that share of packs.")
  static final class Verify implements Callable<Integer> {
    @Mixin Location at = new Location();

    @Option(
        names = "--read-data",
        paramLabel = "PCT",
        description = "percentage of packs to read whole and decrypt (0-100, default 0)")
    int readData;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            if (readData < 0 || readData > 100) {
              throw new UsageException("--read-data must be from 0 to 100, got " + readData);
            }
            RunOutcome o = new KopiaEngine().verify(at.job(), readData, at.context());
            boolean damaged = o.stats().containsKey("problems");
            return print(o, at.json, damaged ? DAMAGED : FAILED);
          });
    }
  }

  @Command(name = "maintenance", description = "Run quick (default) or --full maintenance.")
  static final class Maintenance implements Callable<Integer> {
    @Mixin Location at = new Location();

    @Option(names = "--full", description = "full maintenance (garbage collection)")
    boolean full;

    @Override
    public Integer call() {
      return guarded(
          () ->
              print(
                  new KopiaEngine()
                      .maintain(
                          at.job(),
                          full ? MaintenanceMode.FULL : MaintenanceMode.QUICK,
                          at.context()),
                  at.json,
                  FAILED));
    }
  }

  /** A run context for one CLI call: events to stderr, a temp work folder. */
  static final class CliContext implements RunContext {
    private final Cancellation cancellation = new Cancellation();
    private final Path cache;
    private final boolean quiet;
    private final S3ClientFactory s3 = new S3ClientFactory();

    CliContext(Path cache, boolean quiet) {
      this.cache = cache;
      this.quiet = quiet;
    }

    @Override
    public long runId() {
      return 0;
    }

    @Override
    public ProgressReporter progress() {
      return new EventOnlyProgress() {

        @Override
        public void event(
            String code, EventLevel level, String message, Map<String, Object> params) {
          if (!quiet && !code.endsWith("_COMPLETED") && !code.endsWith("_DAMAGE_FOUND")) {
            err.println(message);
          }
        }
      };
    }

    @Override
    public Cancellation cancellation() {
      return cancellation;
    }

    @Override
    public Path workDir() {
      try {
        return Files.createTempDirectory("e3-repo-");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public Path jobCacheDir() {
      return cache;
    }

    @Override
    public S3ClientFactory s3() {
      return s3;
    }

    @Override
    public Clock clock() {
      return Clock.systemDefaultZone();
    }
  }
}
