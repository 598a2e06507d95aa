package ca.eazybackup.e3.agent.backup.format;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Epoch manager parameters as Kopia serialises them: Go field names, durations in nanoseconds
 * (kopia internal/epoch/epoch_manager.go Parameters).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EpochParameters(
    @JsonProperty("Enabled") boolean enabled,
    @JsonProperty("EpochRefreshFrequency") long epochRefreshFrequency,
    @JsonProperty("FullCheckpointFrequency") int fullCheckpointFrequency,
    @JsonProperty("CleanupSafetyMargin") long cleanupSafetyMargin,
    @JsonProperty("MinEpochDuration") long minEpochDuration,
    @JsonProperty("EpochAdvanceOnCountThreshold") int epochAdvanceOnCountThreshold,
    @JsonProperty("EpochAdvanceOnTotalSizeBytesThreshold")
        long epochAdvanceOnTotalSizeBytesThreshold,
    @JsonProperty("DeleteParallelism") int deleteParallelism) {

  private static final long MINUTE = 60_000_000_000L;

  /** Kopia's defaults for format version 2 (kopia internal/epoch DefaultParameters). */
  public static EpochParameters defaults() {
    return new EpochParameters(true, 20 * MINUTE, 7, 240 * MINUTE, 1440 * MINUTE, 20, 10L << 20, 4);
  }

  public static EpochParameters disabled() {
    return new EpochParameters(false, 0, 0, 0, 0, 0, 0, 0);
  }
}
