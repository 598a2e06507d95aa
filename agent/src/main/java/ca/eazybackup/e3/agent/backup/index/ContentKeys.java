package ca.eazybackup.e3.agent.backup.index;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The index key of a content id (kopia repo/content/index/content_id_to_bytes.go): the prefix
 * letter or 0x00, then the hash bytes. Byte order of keys equals string order of ids.
 */
final class ContentKeys {
  private static final HexFormat HEX = HexFormat.of();

  private ContentKeys() {}

  static byte[] toKey(ContentId id) {
    String v = id.value();
    int skip = v.length() % 2;
    byte[] hash = HEX.parseHex(v, skip, v.length());
    byte[] key = new byte[1 + hash.length];
    key[0] = skip == 1 ? (byte) v.charAt(0) : 0;
    System.arraycopy(hash, 0, key, 1, hash.length);
    return key;
  }

  static ContentId fromKey(byte[] b, int off, int len) {
    if ((b[off] & 0xff) == 0xff) {
      return new ContentId(new String(b, off + 1, len - 1, StandardCharsets.US_ASCII));
    }
    String prefix = b[off] == 0 ? "" : String.valueOf((char) (b[off] & 0xff));
    return new ContentId(prefix + HEX.formatHex(b, off + 1, off + len));
  }

  static int compare(byte[] a, int aOff, byte[] b, int bOff, int len) {
    return java.util.Arrays.compareUnsigned(a, aOff, aOff + len, b, bOff, bOff + len);
  }
}
