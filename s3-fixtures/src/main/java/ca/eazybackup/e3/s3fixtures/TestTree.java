package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic test trees: the same {@link TreeSpec} and seed always give byte-identical files
 * with the same modification times, e.g. {@code TestTree.generate(TreeSpec.small(), 42, dir)}.
 */
public final class TestTree {
  private static final Logger log = LoggerFactory.getLogger(TestTree.class);

  /** Modification times are spread over 2024, so they are stable and in the past. */
  private static final long MTIME_BASE = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

  private static final long MTIME_SPREAD = 365L * 24 * 3600;
  private static final int MODIFY_BYTES = 4096;

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(TreeManifest::newSha256);

  private TestTree() {}

  /**
   * Writes the tree of {@code spec} for {@code seed} under {@code root} (created if missing; it
   * must be empty) and returns its manifest.
   */
  public static TreeManifest generate(TreeSpec spec, long seed, Path root) {
    long t0 = System.nanoTime();
    prepareEmptyRoot(root);
    List<TreeSpec.PlannedFile> plan = spec.plan(seed);
    byte[][] digests = new byte[plan.size()][];
    Set<Path> madeDirs = ConcurrentHashMap.newKeySet();
    // File creation waits on the file system more than on the CPU: use more threads than cores.
    ForkJoinPool pool =
        new ForkJoinPool(
            Integer.getInteger(
                "e3.tree.threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    try {
      pool.submit(
              () ->
                  java.util.stream.IntStream.range(0, plan.size())
                      .parallel()
                      .forEach(i -> digests[i] = write(root, plan.get(i), madeDirs)))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S3FixtureException("interrupted while generating " + spec.name(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new S3FixtureException("cannot generate " + spec.name() + " in " + root, cause);
    } finally {
      pool.shutdown();
    }
    TreeManifest manifest =
        TreeManifest.of(
            plan.stream().map(TreeSpec.PlannedFile::path).collect(Collectors.toList()),
            plan.stream().map(TreeSpec.PlannedFile::size).collect(Collectors.toList()),
            List.of(digests));
    log.info(
        "event=tree_generated spec={} seed={} files={} bytes={} ms={} root={}",
        spec.name(),
        seed,
        manifest.fileCount(),
        manifest.totalBytes(),
        (System.nanoTime() - t0) / 1_000_000,
        root);
    return manifest;
  }

  /**
   * Changes about 1 % of the files the way the peer baseline does: every 100th regular file in
   * sorted path order (starting with the first), 4 KiB (or the whole file, if smaller) overwritten
   * in place with different bytes, size unchanged. Empty files cannot change and are skipped. The
   * modification time moves at least two seconds forward, so mtime-based change detection sees it
   * even on coarse file systems. Returns the changed relative paths, sorted.
   */
  public static List<String> modifyOnePercent(Path root, long seed) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    List<String> rel = new ArrayList<>(files.size());
    for (Path f : files) {
      rel.add(TreeManifest.relative(root, f));
    }
    Collections.sort(rel);
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < rel.size(); i += 100) {
      Path file = root.resolve(rel.get(i));
      if (overwriteSome(file, rng.split())) {
        changed.add(rel.get(i));
      }
    }
    return changed;
  }

  private static boolean overwriteSome(Path file, SplittableRandom rng) {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      int n = (int) Math.min(MODIFY_BYTES, size);
      long offset = rng.nextLong(size - n + 1);
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
        // read the old bytes fully
      }
      byte[] b = buf.array();
      for (int k = 0; k < n; k++) {
        b[k] ^= (byte) (1 + rng.nextInt(255)); // never 0: every byte really changes
      }
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf, offset + buf.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot modify " + file, e);
    }
    try {
      long before = Files.getLastModifiedTime(file).toMillis();
      long after = Math.max(System.currentTimeMillis(), before + 2000);
      Files.setLastModifiedTime(file, FileTime.fromMillis(after));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set the time of " + file, e);
    }
    return true;
  }

  private static void prepareEmptyRoot(Path root) {
    try {
      Files.createDirectories(root);
      try (Stream<Path> children = Files.list(root)) {
        if (children.findAny().isPresent()) {
          throw new S3FixtureException(
              "refusing to generate a test tree into non-empty " + root + ": use a new directory");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + root, e);
    }
  }

  private static byte[] write(Path root, TreeSpec.PlannedFile f, Set<Path> madeDirs) {
    Path file = root.resolve(f.path());
    Path dir = file.getParent();
    MessageDigest md = SHA256.get();
    md.reset();
    try {
      if (!madeDirs.contains(dir)) {
        Files.createDirectories(dir); // safe when another thread creates it at the same time
        madeDirs.add(dir);
      }
      TreeContent content = new TreeContent(f.content(), f.contentSeed());
      byte[] buf = new byte[(int) Math.min(TreeContent.BLOCK, Math.max(f.size(), 1))];
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long left = f.size();
        while (left > 0) {
          int n = (int) Math.min(TreeContent.BLOCK, left);
          content.fill(buf, n);
          md.update(buf, 0, n);
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
          left -= n;
        }
      }
      long mtime = MTIME_BASE + new SplittableRandom(f.contentSeed()).nextLong(MTIME_SPREAD);
      Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(mtime)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return md.digest();
  }
}
