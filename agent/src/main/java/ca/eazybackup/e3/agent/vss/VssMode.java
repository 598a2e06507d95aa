package ca.eazybackup.e3.agent.vss;

import java.util.Locale;

/**
 * A job's {@code vss_mode}: whether a backup reads its sources from VSS shadow copies, so that
 * files other programs hold open (PSTs, databases) can be read.
 */
public enum VssMode {
  /** Live files only; a locked file is skipped with a warning. */
  NEVER,
  /**
   * A shadow copy when the agent may make one (it runs as the service or elevated); if VSS fails, a
   * warning and the live files. The default for a job without the field.
   */
  WHEN_AVAILABLE,
  /** A shadow copy of every source volume, or the run fails with VSS's reason. */
  ALWAYS;

  /** The wire value ({@code never}, {@code when_available}, {@code always}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the wire value; {@code when-available} is accepted too, null or blank is {@link
   * #WHEN_AVAILABLE}.
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static VssMode parse(String value) {
    if (value == null || value.isBlank()) {
      return WHEN_AVAILABLE;
    }
    String v = value.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (VssMode m : values()) {
      if (m.wire().equals(v)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "vss_mode '" + value + "' is not one of never, when_available, always");
  }
}
