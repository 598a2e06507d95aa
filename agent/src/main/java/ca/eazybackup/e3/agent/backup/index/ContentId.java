package ca.eazybackup.e3.agent.backup.index;

import java.util.HexFormat;

/**
 * A Kopia content id: an optional one-letter prefix ({@code g}…{@code z}) followed by the lowercase
 * hex of the content hash. Prefixes in use: {@code k} directories, {@code m} manifests, {@code x}
 * indirect lists of unprefixed objects.
 */
public record ContentId(String value) implements Comparable<ContentId> {

  public ContentId {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("empty content id");
    }
    boolean prefixed = value.length() % 2 == 1;
    if (prefixed && (value.charAt(0) < 'g' || value.charAt(0) > 'z')) {
      throw new IllegalArgumentException("invalid content id prefix: " + value);
    }
    HexFormat.of().parseHex(value, prefixed ? 1 : 0, value.length());
  }

  public static ContentId of(String prefix, byte[] hash) {
    return new ContentId((prefix == null ? "" : prefix) + HexFormat.of().formatHex(hash));
  }

  /** The prefix letter as a string, or "" for data contents. */
  public String prefix() {
    return value.length() % 2 == 1 ? value.substring(0, 1) : "";
  }

  /** The hash bytes (without the prefix). */
  public byte[] hash() {
    return HexFormat.of().parseHex(value, prefix().length(), value.length());
  }

  @Override
  public int compareTo(ContentId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
