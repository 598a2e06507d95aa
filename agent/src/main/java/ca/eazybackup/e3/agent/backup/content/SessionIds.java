package ca.eazybackup.e3.agent.backup.content;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Writer session ids (kopia repo/content/sessions.go): {@code s} + 16 hex random + hex of the
 * number of 30-day periods since 2000-01-01T00:00Z.
 */
final class SessionIds {
  private static final Instant EPOCH_2000 = Instant.parse("2000-01-01T00:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {}

  static String next(Instant now) {
    byte[] rnd = new byte[8];
    RANDOM.nextBytes(rnd);
    long periods = Duration.between(EPOCH_2000, now).toDays() / 30;
    return "s" + HexFormat.of().formatHex(rnd) + Long.toHexString(periods);
  }
}
