package ca.eazybackup.e3.agent.backup.index;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Opens index bytes of version 1 or 2 (kopia repo/content/index/index_v1.go, index_v2.go). Trailing
 * bytes (the 32 random bytes after a pack's local index) are ignored.
 */
public final class PackIndexes {
  private PackIndexes() {}

  public static PackIndex open(byte[] data) throws InvalidIndexException {
    if (data.length < 8) {
      throw new InvalidIndexException("index too short: " + data.length + " bytes");
    }
    return switch (data[0]) {
      case 1 -> new V1(data);
      case 2 -> new V2(data);
      default -> throw new InvalidIndexException("unsupported index version " + data[0]);
    };
  }

  static int u16(byte[] b, int o) {
    return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
  }

  static int u24(byte[] b, int o) {
    return ((b[o] & 0xff) << 16) | ((b[o + 1] & 0xff) << 8) | (b[o + 2] & 0xff);
  }

  static long u32(byte[] b, int o) {
    return ((long) (b[o] & 0xff) << 24)
        | ((b[o + 1] & 0xff) << 16)
        | ((b[o + 2] & 0xff) << 8)
        | (b[o + 3] & 0xff);
  }

  static long u48(byte[] b, int o) {
    return ((long) u16(b, o) << 32) | u32(b, o + 2);
  }

  /** Shared binary search over fixed-stride sorted entries. */
  private abstract static class Sorted implements PackIndex {
    final byte[] data;
    final int keySize;
    final int stride;
    final int count;
    final int entriesOffset;

    Sorted(byte[] data, int keySize, int valueSize, int count, int entriesOffset)
        throws InvalidIndexException {
      this.data = data;
      this.keySize = keySize;
      this.stride = keySize + valueSize;
      this.count = count;
      this.entriesOffset = entriesOffset;
      if (count > 0 && keySize <= 1 && keySize != 255) {
        throw new InvalidIndexException("invalid index key size " + keySize);
      }
      if ((long) entriesOffset + (long) count * stride > data.length) {
        throw new InvalidIndexException("index truncated: " + count + " entries do not fit");
      }
    }

    @Override
    public int size() {
      return count;
    }

    @Override
    public ContentInfo get(ContentId id) {
      if (count == 0) {
        return null;
      }
      byte[] key = ContentKeys.toKey(id);
      if (key.length != keySize) {
        return null;
      }
      int lo = 0;
      int hi = count - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = ContentKeys.compare(data, entriesOffset + mid * stride, key, 0, keySize);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return decode(id, entriesOffset + mid * stride + keySize);
        }
      }
      return null;
    }

    @Override
    public ContentInfo entry(int i) {
      if (i < 0 || i >= count) {
        throw new IndexOutOfBoundsException(i);
      }
      int off = entriesOffset + i * stride;
      return decode(ContentKeys.fromKey(data, off, keySize), off + keySize);
    }

    @Override
    public void forEach(Consumer<ContentInfo> each) {
      for (int i = 0; i < count; i++) {
        int off = entriesOffset + i * stride;
        each.accept(decode(ContentKeys.fromKey(data, off, keySize), off + keySize));
      }
    }

    abstract ContentInfo decode(ContentId id, int valueOffset);

    String name(int offset, int length) {
      if (offset < 0 || offset + length > data.length) {
        return "---invalid---";
      }
      return new String(data, offset, length, StandardCharsets.US_ASCII);
    }
  }

  private static final class V1 extends Sorted {
    V1(byte[] d) throws InvalidIndexException {
      super(d, d[1] & 0xff, checkV1EntrySize(d), (int) u32(d, 4), 8);
    }

    private static int checkV1EntrySize(byte[] d) throws InvalidIndexException {
      int entrySize = u16(d, 2);
      if (entrySize != 20) {
        throw new InvalidIndexException("invalid v1 index entry size " + entrySize);
      }
      return entrySize;
    }

    @Override
    ContentInfo decode(ContentId id, int v) {
      long ts = u48(data, v);
      String pack = name((int) u32(data, v + 8), data[v + 7] & 0xff);
      long flagsAndOffset = u32(data, v + 12);
      long packed = u32(data, v + 16);
      return new ContentInfo(
          id,
          pack,
          flagsAndOffset & 0x7fffffffL,
          packed,
          Math.max(0, packed - 28),
          0,
          (flagsAndOffset & 0x80000000L) != 0,
          Instant.ofEpochSecond(ts));
    }
  }

  private static final class V2 extends Sorted {
    private final long baseTimestamp;
    private final int packCount;
    private final int packsOffset;
    private final int[] formatCompression;
    private final String[] packNames;

    V2(byte[] d) throws InvalidIndexException {
      super(d, d[1] & 0xff, checkV2EntrySize(d), (int) u32(d, 4), 17);
      this.packCount = (int) u32(d, 8);
      int formatCount = d[12] & 0xff;
      this.baseTimestamp = u32(d, 13);
      this.packsOffset = entriesOffset + count * stride;
      int formatsOffset = packsOffset + packCount * 5;
      if ((long) formatsOffset + formatCount * 6L > d.length) {
        throw new InvalidIndexException("index truncated: formats do not fit");
      }
      this.formatCompression = new int[formatCount];
      for (int i = 0; i < formatCount; i++) {
        formatCompression[i] = (int) u32(d, formatsOffset + 6 * i);
      }
      this.packNames = new String[packCount];
    }

    private static int checkV2EntrySize(byte[] d) throws InvalidIndexException {
      if (d.length < 17) {
        throw new InvalidIndexException("v2 index header truncated");
      }
      int entrySize = u16(d, 2);
      if (entrySize < 16 || entrySize > 19) {
        throw new InvalidIndexException("invalid v2 index entry size " + entrySize);
      }
      return entrySize;
    }

    private String pack(int ndx) {
      if (ndx >= packCount) {
        return "---invalid---";
      }
      String n = packNames[ndx];
      if (n == null) {
        int p = packsOffset + 5 * ndx;
        n = name((int) u32(data, p + 1), data[p] & 0xff);
        packNames[ndx] = n;
      }
      return n;
    }

    @Override
    ContentInfo decode(ContentId id, int v) {
      int valueSize = stride - keySize;
      long ts = u32(data, v) + baseTimestamp;
      long flagsAndOffset = u32(data, v + 4);
      long original = u24(data, v + 8);
      long packed = u24(data, v + 11);
      int packIndex = u16(data, v + 14);
      int format = valueSize > 16 ? data[v + 16] & 0xff : 0;
      if (valueSize > 17) {
        packIndex |= (data[v + 17] & 0xff) << 16;
      }
      if (valueSize > 18) {
        int hi = data[v + 18] & 0xff;
        original |= (long) (hi >>> 4) << 24;
        packed |= (long) (hi & 0xf) << 24;
      }
      int compression = format < formatCompression.length ? formatCompression[format] : 0xffff;
      return new ContentInfo(
          id,
          pack(packIndex),
          flagsAndOffset & 0x7fffffffL,
          packed,
          original,
          compression,
          (flagsAndOffset & 0x80000000L) != 0,
          Instant.ofEpochSecond(ts));
    }
  }
}
