package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Proves a backup: every object under {@code bucket/prefix} against a local tree, byte for byte.
 * Object key = prefix + relative path with '/' separators.
 */
public final class S3TreeVerifier {
  private static final int PARALLELISM = 4;

  private final S3Client s3;

  private S3TreeVerifier(S3Client s3) {
    this.s3 = s3;
  }

  public static S3TreeVerifier using(S3Client s3) {
    return new S3TreeVerifier(s3);
  }

  /** Compares the objects under {@code prefix} with the files under {@code root}, byte by byte. */
  public TreeManifest.Differences compare(String bucket, String prefix, Path root) {
    String p = normalize(prefix);
    Map<String, Long> objects = list(bucket, p);
    Map<String, Path> files = localFiles(root);
    List<String> missing = new ArrayList<>();
    List<String> both = new ArrayList<>();
    for (String rel : files.keySet()) {
      (objects.containsKey(rel) ? both : missing).add(rel);
    }
    List<String> extra =
        objects.keySet().stream().filter(k -> !files.containsKey(k)).collect(Collectors.toList());
    List<String> different =
        inParallel(
            both,
            rel -> {
              Path file = files.get(rel);
              return objects.get(rel) != size(file) || !sameBytes(bucket, p + rel, file);
            });
    return new TreeManifest.Differences(missing, extra, different);
  }

  /** Compares the objects under {@code prefix} with a manifest (size and SHA-256). */
  public TreeManifest.Differences compare(String bucket, String prefix, TreeManifest manifest) {
    String p = normalize(prefix);
    Map<String, Long> objects = list(bucket, p);
    Set<String> expected = new HashSet<>(manifest.paths());
    List<String> missing =
        expected.stream().filter(k -> !objects.containsKey(k)).collect(Collectors.toList());
    List<String> extra =
        objects.keySet().stream().filter(k -> !expected.contains(k)).collect(Collectors.toList());
    List<String> both = expected.stream().filter(objects::containsKey).collect(Collectors.toList());
    List<String> different =
        inParallel(
            both, rel -> !manifest.matches(rel, objects.get(rel), objectSha256(bucket, p + rel)));
    return new TreeManifest.Differences(missing, extra, different);
  }

  private static String normalize(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
      return "";
    }
    String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
    return p.endsWith("/") ? p : p + "/";
  }

  /** Relative key → size, for every object under the prefix (all pages). */
  private Map<String, Long> list(String bucket, String prefix) {
    Map<String, Long> out = new ConcurrentHashMap<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
        .contents()
        .forEach((S3Object o) -> out.put(o.key().substring(prefix.length()), o.size()));
    return out;
  }

  private static Map<String, Path> localFiles(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .collect(Collectors.toMap(f -> TreeManifest.relative(root, f), f -> f));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private boolean sameBytes(String bucket, String key, Path file) {
    byte[] a = new byte[64 * 1024];
    byte[] b = new byte[64 * 1024];
    try (ResponseInputStream<GetObjectResponse> remote =
            s3.getObject(r -> r.bucket(bucket).key(key));
        InputStream local = Files.newInputStream(file)) {
      while (true) {
        int n = local.readNBytes(a, 0, a.length);
        int m = remote.readNBytes(b, 0, b.length);
        if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
          remote.abort();
          return false;
        }
        if (n == 0) {
          return true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compare s3://" + bucket + "/" + key, e);
    }
  }

  private byte[] objectSha256(String bucket, String key) {
    MessageDigest md = TreeManifest.newSha256();
    byte[] buf = new byte[64 * 1024];
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
    }
    return md.digest();
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Check {
    boolean differs(String relativePath);
  }

  /** The paths for which {@code check} reports a difference, checked a few at a time. */
  private static List<String> inParallel(List<String> paths, Check check) {
    Set<String> out = ConcurrentHashMap.newKeySet();
    ForkJoinPool pool = new ForkJoinPool(PARALLELISM);
    try {
      pool.submit(() -> paths.parallelStream().filter(check::differs).forEach(out::add)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S3FixtureException("interrupted while verifying", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new S3FixtureException("verification failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdown();
    }
    return new ArrayList<>(out);
  }
}
