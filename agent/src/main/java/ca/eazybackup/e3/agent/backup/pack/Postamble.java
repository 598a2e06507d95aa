package ca.eazybackup.e3.agent.backup.pack;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * The tail of a pack that locates its encrypted local index (kopia
 * repo/content/content_index_recovery.go): {@code uvarint(1) ‖ uvarint(len(iv)) ‖ iv ‖
 * uvarint(offset) ‖ uvarint(length) ‖ u32be CRC32 ‖ u8 n}.
 */
public record Postamble(byte[] localIndexIv, long localIndexOffset, long localIndexLength) {

  public byte[] encode() {
    ByteArrayOutputStream o = new ByteArrayOutputStream(64);
    uvarint(o, 1);
    uvarint(o, localIndexIv.length);
    o.writeBytes(localIndexIv);
    uvarint(o, localIndexOffset);
    uvarint(o, localIndexLength);
    CRC32 crc = new CRC32();
    byte[] body = o.toByteArray();
    crc.update(body);
    long c = crc.getValue();
    o.write((int) (c >>> 24));
    o.write((int) (c >>> 16));
    o.write((int) (c >>> 8));
    o.write((int) c);
    int n = o.size();
    if (n > 255) {
      throw new IllegalStateException("postamble too long: " + n);
    }
    o.write(n);
    return o.toByteArray();
  }

  /**
   * Finds the postamble at the end of {@code tail} (the last bytes of a pack).
   *
   * @return null when no valid postamble is there (bad length byte or checksum)
   */
  public static Postamble find(byte[] tail) {
    if (tail.length == 0) {
      return null;
    }
    int n = tail[tail.length - 1] & 0xff;
    if (n < 5 || tail.length - 1 - n < 0) {
      return null;
    }
    int start = tail.length - 1 - n;
    int payloadEnd = tail.length - 1 - 4;
    CRC32 crc = new CRC32();
    crc.update(tail, start, payloadEnd - start);
    long expected =
        ((long) (tail[payloadEnd] & 0xff) << 24)
            | ((tail[payloadEnd + 1] & 0xff) << 16)
            | ((tail[payloadEnd + 2] & 0xff) << 8)
            | (tail[payloadEnd + 3] & 0xff);
    if (crc.getValue() != expected) {
      return null;
    }
    int[] pos = {start};
    long flags = readUvarint(tail, pos, payloadEnd);
    if (flags != 1) {
      return null;
    }
    long ivLen = readUvarint(tail, pos, payloadEnd);
    if (ivLen < 0 || pos[0] + ivLen > payloadEnd) {
      return null;
    }
    byte[] iv = java.util.Arrays.copyOfRange(tail, pos[0], pos[0] + (int) ivLen);
    pos[0] += (int) ivLen;
    long off = readUvarint(tail, pos, payloadEnd);
    long len = readUvarint(tail, pos, payloadEnd);
    if (off < 0 || len < 0) {
      return null;
    }
    return new Postamble(iv, off, len);
  }

  static void uvarint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7fL) != 0) {
      o.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static long readUvarint(byte[] b, int[] pos, int end) {
    long result = 0;
    int shift = 0;
    while (pos[0] < end && shift < 64) {
      int x = b[pos[0]++] & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
    return -1;
  }
}
