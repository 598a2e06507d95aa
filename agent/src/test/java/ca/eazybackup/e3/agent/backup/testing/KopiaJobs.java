package ca.eazybackup.e3.agent.backup.testing;

import ca.eazybackup.e3.agent.api.RunAssignment;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Kopia backup jobs of the engine tests: local sources into a repository in a local folder. */
public final class KopiaJobs {
  private KopiaJobs() {}

  /** One source folder, no retention policy. */
  public static RunAssignment local(Path src, Path dest, String password) {
    return local(List.of(src.toString()), dest, password, null);
  }

  /** {@code retentionJson}: the job's policy as the addon sends it, or null for none. */
  public static RunAssignment local(
      List<String> sources, Path dest, String password, String retentionJson) {
    return new RunAssignment(
        1L,
        7,
        "job",
        "backup",
        "kopia",
        "local_agent",
        sources.get(0),
        sources,
        "local",
        null,
        "repo",
        dest.toString(),
        null,
        null,
        null,
        null,
        false,
        "",
        "",
        0,
        0,
        2,
        "",
        "zstd",
        password,
        null,
        retentionJson == null ? null : readTree(retentionJson),
        null,
        null,
        false,
        null);
  }

  /**
   * One source folder into {@code bucket/prefix} on S3 at {@code target}, the bucket created when
   * missing; {@code policyJson}: the job's {@code policy_json}, or null.
   */
  public static RunAssignment s3(
      Path src,
      ca.eazybackup.e3.agent.s3.S3Target target,
      String bucket,
      String prefix,
      String password,
      String policyJson) {
    return new RunAssignment(
        1L,
        7,
        "job",
        "backup",
        "kopia",
        "local_agent",
        src.toString(),
        List.of(src.toString()),
        "s3",
        bucket,
        prefix,
        null,
        target.endpoint(),
        target.region(),
        target.accessKey(),
        target.secretKey(),
        true,
        "",
        "",
        0,
        0,
        2,
        "",
        "zstd",
        password,
        null,
        null,
        policyJson == null ? null : readTree(policyJson),
        null,
        false,
        null);
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
