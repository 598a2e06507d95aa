package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.StorageStack;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.agent.timemachine.SnapshotRepository;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where a Kopia-format repository is, for the commands that open one without the addon: {@code
 * --endpoint --bucket --prefix}, S3 keys from {@code AWS_ACCESS_KEY_ID}/{@code
 * AWS_SECRET_ACCESS_KEY} and the password from {@code E3_REPO_PASSWORD} (never on the command line,
 * where other users of the machine could read it).
 */
final class RepositoryLocation {
  static final String PASSWORD_ENV = "E3_REPO_PASSWORD";

  @Option(names = "--endpoint", required = true, description = "S3 endpoint URL")
  String endpoint;

  @Option(names = "--bucket", required = true, description = "bucket holding the repository")
  String bucket;

  @Option(names = "--prefix", defaultValue = "", description = "the repository's folder in it")
  String prefix;

  @Option(names = "--region", defaultValue = "us-east-1", description = "S3 region")
  String region;

  @Option(
      names = "--cache-dir",
      description = "repository cache (default: one per endpoint+bucket+prefix in the user cache)")
  Path cacheDir;

  /** Environment lookups; tests replace it. */
  Function<String, String> env = System::getenv;

  /** What is missing from the environment, or null when the keys and password are all set. */
  String missingEnvironment() {
    for (String name : new String[] {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", PASSWORD_ENV}) {
      String v = env.apply(name);
      if (v == null || v.isEmpty()) {
        return "set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
            + PASSWORD_ENV
            + " ("
            + name
            + " is not set)";
      }
    }
    return null;
  }

  /** Opens the repository through the production storage stack (retry, error classification). */
  SnapshotRepository open(S3ClientFactory s3) throws IOException {
    S3Target target =
        new S3Target(
            endpoint, region, env.apply("AWS_ACCESS_KEY_ID"), env.apply("AWS_SECRET_ACCESS_KEY"));
    // these commands only read: the first read reports a missing bucket, no HeadBucket before it
    BlobStorage raw =
        S3BlobStorage.openForReading(s3.client(target), target.endpoint(), bucket, prefix);
    BlobStorage stack = StorageStack.wrap(raw, RetryPolicy.DEFAULT, 0, () -> false);
    return SnapshotRepository.open(stack, env.apply(PASSWORD_ENV), cache());
  }

  private Path cache() {
    if (cacheDir != null) {
      return cacheDir;
    }
    String base = System.getenv("LOCALAPPDATA");
    Path root =
        base != null
            ? Path.of(base, "E3Backup", "repo-cache")
            : Path.of(System.getProperty("user.home"), ".cache", "e3-backup-agent", "repo");
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((endpoint + "\n" + bucket + "\n" + prefix).getBytes(StandardCharsets.UTF_8));
      return root.resolve(HexFormat.of().formatHex(d, 0, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
