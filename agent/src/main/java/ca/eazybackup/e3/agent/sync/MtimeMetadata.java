package ca.eazybackup.e3.agent.sync;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The modification time as rclone keeps it in S3 user metadata: key {@code mtime}, seconds since
 * the epoch in fixed-point decimal with up to nine fraction digits and trailing zeros dropped
 * ({@code 1354040105.123456789}). Objects written by rclone and by us are interchangeable.
 */
final class MtimeMetadata {
  static final String KEY = "mtime";

  /** rclone's key for the MD5 of a multipart object, base64. */
  static final String MD5_KEY = "md5chksum";

  private MtimeMetadata() {}

  static String format(long epochNanos) {
    BigDecimal seconds = BigDecimal.valueOf(epochNanos, 9).stripTrailingZeros();
    return seconds.scale() <= 0 ? seconds.toBigInteger().toString() : seconds.toPlainString();
  }

  /** Epoch nanoseconds, or {@code null} when absent or not a number. */
  static Long parse(Map<String, String> metadata) {
    String value = metadata == null ? null : metadata.get(KEY);
    if (value == null) {
      for (Map.Entry<String, String> e :
          metadata == null ? Map.<String, String>of().entrySet() : metadata.entrySet()) {
        if (e.getKey().equalsIgnoreCase(KEY)) {
          value = e.getValue();
        }
      }
    }
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new BigDecimal(value.strip())
          .movePointRight(9)
          .setScale(0, java.math.RoundingMode.HALF_EVEN)
          .longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }
}
