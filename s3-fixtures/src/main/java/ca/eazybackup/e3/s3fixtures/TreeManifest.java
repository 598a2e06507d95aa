package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files of a tree: relative path ('/' separators) → size and SHA-256, plus totals. Stored in
 * flat arrays so a million entries stay small.
 */
public final class TreeManifest {

  /** One file of the tree. */
  public record Entry(String path, long size, String sha256) {}

  private final String[] paths;
  private final long[] sizes;
  private final byte[] hashes;
  private final long totalBytes;

  private TreeManifest(String[] paths, long[] sizes, byte[] hashes) {
    this.paths = paths;
    this.sizes = sizes;
    this.hashes = hashes;
    long total = 0;
    for (long s : sizes) {
      total += s;
    }
    this.totalBytes = total;
  }

  /** Builds a manifest from (path, size, 32-byte digest) triples in any order. */
  static TreeManifest of(List<String> paths, List<Long> sizes, List<byte[]> digests) {
    Integer[] order = new Integer[paths.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(paths::get));
    String[] p = new String[order.length];
    long[] s = new long[order.length];
    byte[] h = new byte[order.length * 32];
    for (int i = 0; i < order.length; i++) {
      p[i] = paths.get(order[i]);
      s[i] = sizes.get(order[i]);
      System.arraycopy(digests.get(order[i]), 0, h, i * 32, 32);
      if (i > 0 && p[i].equals(p[i - 1])) {
        throw new IllegalArgumentException("duplicate path in tree: " + p[i]);
      }
    }
    return new TreeManifest(p, s, h);
  }

  /** Reads every regular file under {@code root} (hashing them in parallel). */
  public static TreeManifest scan(Path root) {
    Map<String, FileFacts> facts = hashAll(root);
    List<String> paths = new ArrayList<>(facts.keySet());
    return of(
        paths,
        paths.stream().map(p -> facts.get(p).size()).collect(Collectors.toList()),
        paths.stream().map(p -> facts.get(p).sha256()).collect(Collectors.toList()));
  }

  public int fileCount() {
    return paths.length;
  }

  public long totalBytes() {
    return totalBytes;
  }

  /** All entries sorted by path. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>(paths.length);
    for (int i = 0; i < paths.length; i++) {
      out.add(entry(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** All paths, sorted (String order). */
  public List<String> paths() {
    return List.of(paths);
  }

  public Optional<Entry> entry(String path) {
    int i = Arrays.binarySearch(paths, path);
    return i < 0 ? Optional.empty() : Optional.of(entry(i));
  }

  /** True when {@code path} is in the manifest with exactly this size and SHA-256. */
  boolean matches(String path, long size, byte[] sha256) {
    int i = Arrays.binarySearch(paths, path);
    return i >= 0 && sizes[i] == size && Arrays.equals(hashes, i * 32, i * 32 + 32, sha256, 0, 32);
  }

  private Entry entry(int i) {
    return new Entry(paths[i], sizes[i], HexFormat.of().formatHex(hashes, i * 32, i * 32 + 32));
  }

  /**
   * Compares the files under {@code otherRoot} with this manifest: missing (here, not there), extra
   * (there, not here) and different (size or content).
   */
  public Differences verify(Path otherRoot) {
    Map<String, FileFacts> there = hashAll(otherRoot);
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (int i = 0; i < paths.length; i++) {
      FileFacts f = there.remove(paths[i]);
      if (f == null) {
        missing.add(paths[i]);
      } else if (!matches(paths[i], f.size(), f.sha256())) {
        different.add(paths[i]);
      }
    }
    List<String> extra = new ArrayList<>(there.keySet());
    return new Differences(missing, extra, different);
  }

  /** Compares two manifests: missing/extra/different as seen from this one. */
  public Differences compare(TreeManifest other) {
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (int i = 0; i < paths.length; i++) {
      int j = Arrays.binarySearch(other.paths, paths[i]);
      if (j < 0) {
        missing.add(paths[i]);
      } else if (sizes[i] != other.sizes[j]
          || !Arrays.equals(hashes, i * 32, i * 32 + 32, other.hashes, j * 32, j * 32 + 32)) {
        different.add(paths[i]);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String p : other.paths) {
      if (Arrays.binarySearch(paths, p) < 0) {
        extra.add(p);
      }
    }
    return new Differences(missing, extra, different);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeManifest m
        && Arrays.equals(paths, m.paths)
        && Arrays.equals(sizes, m.sizes)
        && Arrays.equals(hashes, m.hashes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hashes);
  }

  @Override
  public String toString() {
    return "TreeManifest[files=" + fileCount() + ", bytes=" + totalBytes + "]";
  }

  /** The outcome of a comparison; each list sorted by path. */
  public record Differences(List<String> missing, List<String> extra, List<String> different) {
    public Differences {
      missing = missing.stream().sorted().toList();
      extra = extra.stream().sorted().toList();
      different = different.stream().sorted().toList();
    }

    public boolean none() {
      return missing.isEmpty() && extra.isEmpty() && different.isEmpty();
    }

    /** One line, with at most five paths per kind, for assertion messages and logs. */
    public String summary() {
      if (none()) {
        return "no differences";
      }
      return "missing="
          + missing.size()
          + firstFew(missing)
          + " extra="
          + extra.size()
          + firstFew(extra)
          + " different="
          + different.size()
          + firstFew(different);
    }

    private static String firstFew(List<String> paths) {
      return paths.isEmpty()
          ? ""
          : paths.stream()
              .limit(5)
              .collect(Collectors.joining(", ", " [", paths.size() > 5 ? ", ...]" : "]"));
    }

    @Override
    public String toString() {
      return summary();
    }
  }

  record FileFacts(long size, byte[] sha256) {}

  /** Relative path ('/' separators) of {@code file} under {@code root}. */
  static String relative(Path root, Path file) {
    Path rel = root.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  static Map<String, FileFacts> hashAll(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a directory: " + root);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    Map<String, FileFacts> out = new ConcurrentHashMap<>();
    files.parallelStream()
        .forEach(f -> out.put(relative(root, f), new FileFacts(sizeOf(f), sha256(f))));
    return out;
  }

  private static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  static byte[] sha256(Path f) {
    MessageDigest md = newSha256();
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(f)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    return md.digest();
  }
}
