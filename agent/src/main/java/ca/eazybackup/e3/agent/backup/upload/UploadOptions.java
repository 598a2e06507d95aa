package ca.eazybackup.e3.agent.backup.upload;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one upload runs.
 *
 * @param parallelism files hashed and stored at once (the job's {@code parallelism})
 * @param compressor Kopia compressor name for file contents, or "none"
 * @param checkpointInterval an {@code incomplete: "checkpoint"} manifest is saved this often
 * @param spillThreshold entries of one directory kept in memory before spilling to {@code spillDir}
 * @param spillDir scratch folder for huge directories
 */
public record UploadOptions(
    int parallelism,
    String compressor,
    Duration checkpointInterval,
    int spillThreshold,
    Path spillDir) {

  public UploadOptions {
    parallelism = Math.max(1, parallelism);
    compressor = compressor == null || compressor.isBlank() ? "none" : compressor;
    checkpointInterval = checkpointInterval == null ? Duration.ofMinutes(45) : checkpointInterval;
    spillThreshold = spillThreshold <= 0 ? 50_000 : spillThreshold;
  }

  public static UploadOptions defaults(Path spillDir) {
    return new UploadOptions(4, "zstd", Duration.ofMinutes(20), 50_000, spillDir);
  }
}
