package ca.eazybackup.e3.agent.backup.compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Decodes the S2 stream format that Kopia's {@code s2-*} compressors write through klauspost's
 * {@code s2.NewWriter} (no Java library reads it: snappy-java and aircompressor stop at Snappy).
 *
 * <p>S2 is Snappy's framing format (google/snappy framing_format.txt) with three extensions, per
 * klauspost/compress s2/README.md "Format Extensions": the stream identifier may be {@code S2sTwO}
 * as well as {@code sNaPpY}; a block may be up to 4 MiB; and a copy with a 1-byte offset whose
 * offset is 0 repeats the previous copy's offset, with its length in an extended encoding. A plain
 * Snappy framed stream is therefore also decoded. Every chunk's masked CRC-32C is checked, so a
 * damaged stream is an error, never wrong bytes.
 */
final class S2Stream {
  private static final int MAX_BLOCK = 4 << 20;
  private static final byte[] S2_MAGIC = "S2sTwO".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SNAPPY_MAGIC = "sNaPpY".getBytes(StandardCharsets.US_ASCII);

  private static final int CHUNK_COMPRESSED = 0x00;
  private static final int CHUNK_UNCOMPRESSED = 0x01;
  private static final int CHUNK_PADDING = 0xfe;
  private static final int CHUNK_STREAM_ID = 0xff;

  private S2Stream() {}

  /** Decodes a whole stream of {@code length} bytes at {@code offset}. */
  static byte[] decode(byte[] src, int offset, int length, int sizeHint) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(sizeHint, 64));
    int p = offset;
    int end = offset + length;
    boolean sawId = false;
    while (p < end) {
      if (end - p < 4) {
        throw corrupt("truncated chunk header");
      }
      int type = src[p] & 0xff;
      int n = (src[p + 1] & 0xff) | (src[p + 2] & 0xff) << 8 | (src[p + 3] & 0xff) << 16;
      p += 4;
      if (n > end - p) {
        throw corrupt("chunk of " + n + " bytes runs past the end");
      }
      if (type == CHUNK_STREAM_ID) {
        if (n != 6
            || !(Arrays.equals(src, p, p + 6, S2_MAGIC, 0, 6)
                || Arrays.equals(src, p, p + 6, SNAPPY_MAGIC, 0, 6))) {
          throw corrupt("not an S2 or Snappy stream identifier");
        }
        sawId = true;
      } else if (!sawId) {
        throw corrupt("stream does not start with a stream identifier");
      } else if (type == CHUNK_COMPRESSED || type == CHUNK_UNCOMPRESSED) {
        if (n < 4) {
          throw corrupt("data chunk shorter than its checksum");
        }
        int want = le32(src, p);
        byte[] block;
        if (type == CHUNK_COMPRESSED) {
          block = decodeBlock(src, p + 4, n - 4);
        } else {
          if (n - 4 > MAX_BLOCK) {
            throw corrupt("uncompressed chunk larger than 4 MiB");
          }
          block = Arrays.copyOfRange(src, p + 4, p + n);
        }
        if (maskedCrc(block) != want) {
          throw corrupt("checksum mismatch");
        }
        out.write(block, 0, block.length);
      } else if (type < 0x80) {
        // 0x02-0x7f are reserved unskippable chunks: a reader must stop.
        throw corrupt("reserved unskippable chunk type 0x" + Integer.toHexString(type));
      }
      // 0x80-0xfd (skippable, e.g. S2's seek index 0x99) and 0xfe (padding) are skipped.
      p += n;
    }
    if (!sawId && length > 0) {
      throw corrupt("empty stream without identifier");
    }
    return out.toByteArray();
  }

  /** Decodes one S2 (or Snappy) block: a uvarint decoded length, then literal and copy tags. */
  static byte[] decodeBlock(byte[] src, int offset, int length) throws IOException {
    int s = offset;
    int end = offset + length;
    long size = 0;
    for (int shift = 0; ; shift += 7) {
      if (s >= end || shift > 28) {
        throw corrupt("bad block length");
      }
      int b = src[s++] & 0xff;
      size |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
    }
    if (size > MAX_BLOCK) {
      throw corrupt("block of " + size + " bytes is larger than 4 MiB");
    }
    byte[] dst = new byte[(int) size];
    int d = 0;
    int copyOffset = 0;
    while (s < end) {
      int tag = src[s] & 0xff;
      int len;
      switch (tag & 0x03) {
        case 0 -> { // literal
          int x = tag >>> 2;
          if (x < 60) {
            s++;
          } else {
            int extra = x - 59; // 1..4 little-endian bytes hold length - 1
            if (s + 1 + extra > end) {
              throw corrupt("truncated literal length");
            }
            long v = 0;
            for (int i = 0; i < extra; i++) {
              v |= (long) (src[s + 1 + i] & 0xff) << (8 * i);
            }
            if (v >= Integer.MAX_VALUE) {
              throw corrupt("literal too long");
            }
            x = (int) v;
            s += 1 + extra;
          }
          len = x + 1;
          if (len > dst.length - d || len > end - s) {
            throw corrupt("literal runs past the end");
          }
          System.arraycopy(src, s, dst, d, len);
          d += len;
          s += len;
          continue;
        }
        case 1 -> { // copy, 1-byte offset; offset 0 is S2's "repeat the last offset"
          if (s + 2 > end) {
            throw corrupt("truncated copy");
          }
          len = (tag >>> 2) & 0x7;
          int off = (tag & 0xe0) << 3 | (src[s + 1] & 0xff);
          s += 2;
          if (off == 0) {
            switch (len) {
              case 5 -> {
                need(s + 1, end);
                len = (src[s] & 0xff) + 4;
                s += 1;
              }
              case 6 -> {
                need(s + 2, end);
                len = ((src[s] & 0xff) | (src[s + 1] & 0xff) << 8) + (1 << 8);
                s += 2;
              }
              case 7 -> {
                need(s + 3, end);
                len =
                    ((src[s] & 0xff) | (src[s + 1] & 0xff) << 8 | (src[s + 2] & 0xff) << 16)
                        + (1 << 16);
                s += 3;
              }
              default -> {
                // 0..4: the length is the tag's value (+ 4 below)
              }
            }
          } else {
            copyOffset = off;
          }
          len += 4;
        }
        case 2 -> { // copy, 2-byte offset
          need(s + 3, end);
          len = 1 + (tag >>> 2);
          copyOffset = (src[s + 1] & 0xff) | (src[s + 2] & 0xff) << 8;
          s += 3;
        }
        default -> { // copy, 4-byte offset
          need(s + 5, end);
          len = 1 + (tag >>> 2);
          copyOffset = le32(src, s + 1);
          s += 5;
        }
      }
      if (copyOffset <= 0 || d < copyOffset || len > dst.length - d) {
        throw corrupt("copy out of range");
      }
      if (copyOffset >= len) {
        System.arraycopy(dst, d - copyOffset, dst, d, len);
      } else {
        for (int i = 0; i < len; i++) { // overlapping: forwards, byte by byte
          dst[d + i] = dst[d - copyOffset + i];
        }
      }
      d += len;
    }
    if (d != dst.length) {
      throw corrupt("block decoded to " + d + " of " + dst.length + " bytes");
    }
    return dst;
  }

  /** Snappy's masked CRC-32C: rotated right by 15 and offset, so a CRC of CRCs stays strong. */
  static int maskedCrc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  private static void need(int upTo, int end) throws IOException {
    if (upTo > end) {
      throw corrupt("truncated copy");
    }
  }

  private static int le32(byte[] b, int p) {
    return (b[p] & 0xff)
        | (b[p + 1] & 0xff) << 8
        | (b[p + 2] & 0xff) << 16
        | (b[p + 3] & 0xff) << 24;
  }

  private static IOException corrupt(String why) {
    return new IOException("corrupt s2 stream: " + why);
  }
}
