package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.nas.NasException;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.timemachine.SnapshotBrowser;
import ca.eazybackup.e3.agent.timemachine.SnapshotComparison;
import ca.eazybackup.e3.agent.timemachine.SnapshotFileSystem;
import ca.eazybackup.e3.agent.timemachine.SnapshotRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code e3-backup-agent snapshot ...}: Time Machine without the addon. */
@Command(
    name = "snapshot",
    description = "Time Machine: serve, browse and compare backup snapshots.",
    subcommands = {
      SnapshotCommand.Serve.class,
      SnapshotCommand.Diff.class,
      SnapshotCommand.Ls.class
    })
final class SnapshotCommand implements Runnable {
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code snapshot serve}: what {@code kopia mount} and {@code restic mount} give their users,
   * over WebDAV instead of FUSE/WinFsp. Prints the URL first (as {@code nas serve} does), serves
   * read-only until SIGTERM or Ctrl-C.
   */
  @Command(
      name = "serve",
      description =
          "Serve one snapshot read-only over WebDAV on 127.0.0.1 until stopped. S3 keys come from"
              + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the repository password from"
              + " E3_REPO_PASSWORD. Prints the URL first.")
  static final class Serve implements Callable<Integer> {
    @Mixin RepositoryLocation repo = new RepositoryLocation();

    @Option(names = "--snapshot", required = true, description = "the snapshot's manifest id")
    String snapshot;

    @Option(names = "--port", defaultValue = "0", description = "port on 127.0.0.1; 0 = free")
    int port;

    PrintStream out = System.out;
    PrintStream err = System.err;

    /** Counted down once serving has stopped; tests stop the server by {@link #stop}. */
    final CountDownLatch stopped = new CountDownLatch(1);

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() {
      String missing = repo.missingEnvironment();
      if (missing != null) {
        err.println("e3-backup-agent snapshot serve: " + missing);
        return EXIT_USAGE;
      }
      S3ClientFactory s3 = new S3ClientFactory();
      // The WebDAV server (Milton's classes, the listener) starts on another thread while this
      // one opens the repository (the SDK's first request, scrypt, the indexes): on a cold JVM
      // both are seconds of mostly single-threaded work, so a second core halves the wait.
      CompletableFuture<NasServer> starting = startServer(port);
      SnapshotFileSystem tree;
      NasServer server;
      ServedVolume volume;
      try {
        SnapshotRepository opened = repo.open(s3);
        try {
          tree = opened.serve(snapshot);
        } catch (IOException | RuntimeException e) {
          opened.close();
          throw e;
        }
        try {
          server = started(starting);
        } catch (NasException e) {
          tree.close();
          throw e;
        }
        volume = server.serve(tree, NasOptions.uncached());
      } catch (IOException | NasException | RuntimeException e) {
        starting.thenAccept(NasServer::close);
        s3.close();
        err.println("e3-backup-agent snapshot serve: " + message(e));
        return EXIT_FAILED;
      }
      out.println(volume.url());
      out.flush();
      Thread hook = new Thread(stop::countDown, "snapshot-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        volume.close();
        server.close();
        s3.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting: the hook is what stopped us
        }
        stopped.countDown();
      }
      return 0;
    }

    void stop() {
      stop.countDown();
    }

    private static CompletableFuture<NasServer> startServer(int port) {
      CompletableFuture<NasServer> f = new CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  f.complete(NasServer.start(port));
                } catch (NasException | RuntimeException | Error e) {
                  f.completeExceptionally(e);
                }
              },
              "snapshot-serve-start");
      t.setDaemon(true);
      t.start();
      return f;
    }

    private static NasServer started(CompletableFuture<NasServer> starting) throws NasException {
      try {
        return starting.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NasException("interrupted while the WebDAV server started", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NasException n) {
          throw n;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /**
   * {@code snapshot diff}: what {@code restic diff} and {@code kopia diff} print; {@code --json}
   * gives the structured result the addon's compare receives.
   */
  @Command(
      name = "diff",
      description =
          "List what was added (+), removed (-) and modified (M) between two snapshots, with"
              + " sizes. Keys and password from the environment, as for serve.")
  static final class Diff implements Callable<Integer> {
    @Mixin RepositoryLocation repo = new RepositoryLocation();

    @Option(names = "--from", required = true, description = "the older snapshot's id")
    String from;

    @Option(names = "--to", required = true, description = "the newer snapshot's id")
    String to;

    @Option(names = "--json", description = "one JSON object: changes and totals")
    boolean json;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
      String missing = repo.missingEnvironment();
      if (missing != null) {
        err.println("e3-backup-agent snapshot diff: " + missing);
        return EXIT_USAGE;
      }
      try (S3ClientFactory s3 = new S3ClientFactory();
          SnapshotRepository opened = repo.open(s3)) {
        ObjectNode result = SnapshotComparison.compare(opened, from, to, Integer.MAX_VALUE);
        if (json) {
          out.println(JSON.writeValueAsString(result));
        } else {
          for (JsonNode c : result.get("changes")) {
            String kind = c.get("kind").asText();
            String mark = kind.equals("added") ? "+" : kind.equals("removed") ? "-" : "M";
            String path =
                c.get("path").asText() + (c.get("type").asText().equals("dir") ? "/" : "");
            String size =
                kind.equals("modified")
                    ? c.get("old_size").asLong() + " -> " + c.get("new_size").asLong()
                    : Long.toString(
                        kind.equals("added")
                            ? c.get("new_size").asLong()
                            : c.get("old_size").asLong());
            out.println(mark + " " + path + "  (" + size + " bytes)");
          }
          JsonNode t = result.get("totals");
          out.printf(
              "added: %d files, %d bytes; removed: %d files, %d bytes; modified: %d files%n",
              t.get("added_files").asLong(),
              t.get("added_bytes").asLong(),
              t.get("removed_files").asLong(),
              t.get("removed_bytes").asLong(),
              t.get("modified_files").asLong());
        }
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println("e3-backup-agent snapshot diff: " + message(e));
        return EXIT_FAILED;
      }
    }
  }

  /** {@code snapshot ls}: one folder of one snapshot, as the addon's file browser shows it. */
  @Command(
      name = "ls",
      description =
          "List one folder of a snapshot (folders first, 1,000 entries a page) as JSON."
              + " Keys and password from the environment, as for serve.")
  static final class Ls implements Callable<Integer> {
    @Mixin RepositoryLocation repo = new RepositoryLocation();

    @Option(names = "--snapshot", required = true, description = "the snapshot's manifest id")
    String snapshot;

    @Option(names = "--path", defaultValue = "", description = "folder in the snapshot")
    String path;

    @Option(names = "--offset", defaultValue = "0", description = "first entry of the page")
    int offset;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
      String missing = repo.missingEnvironment();
      if (missing != null) {
        err.println("e3-backup-agent snapshot ls: " + missing);
        return EXIT_USAGE;
      }
      try (S3ClientFactory s3 = new S3ClientFactory();
          SnapshotRepository opened = repo.open(s3)) {
        out.println(
            JSON.writeValueAsString(
                SnapshotBrowser.browse(opened.objects(), opened.snapshot(snapshot), path, offset)));
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println("e3-backup-agent snapshot ls: " + message(e));
        return EXIT_FAILED;
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
