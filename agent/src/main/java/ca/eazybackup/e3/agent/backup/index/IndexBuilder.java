package ca.eazybackup.e3.agent.backup.index;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects index entries (keeping the winner per content, {@link IndexMerge}) and encodes them as
 * index v1 or v2 (kopia repo/content/index/index_builder.go, index_v1.go, index_v2.go). Not
 * thread-safe.
 */
public final class IndexBuilder {
  public static final int V1 = 1;
  public static final int V2 = 2;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TreeMap<ContentId, ContentInfo> entries = new TreeMap<>();

  public IndexBuilder add(ContentInfo info) {
    entries.merge(info.id(), info, IndexMerge::winner);
    return this;
  }

  public IndexBuilder addAll(Collection<ContentInfo> infos) {
    infos.forEach(this::add);
    return this;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public List<ContentInfo> sortedEntries() {
    return new ArrayList<>(entries.values());
  }

  /** The index followed by 32 random bytes, as pack-local indexes are written. */
  public byte[] buildWithRandomSuffix(int version, int formatVersion) {
    byte[] body = build(version, formatVersion);
    byte[] out = new byte[body.length + 32];
    System.arraycopy(body, 0, out, 0, body.length);
    byte[] rnd = new byte[32];
    RANDOM.nextBytes(rnd);
    System.arraycopy(rnd, 0, out, body.length, 32);
    return out;
  }

  /**
   * Encodes the entries.
   *
   * @param formatVersion the repository format version recorded per entry (Kopia writes the
   *     repository's version)
   * @throws IllegalStateException if a limit of the format is exceeded or v2 is empty
   */
  public byte[] build(int version, int formatVersion) {
    return switch (version) {
      case V1 -> buildV1(formatVersion);
      case V2 -> buildV2(formatVersion);
      default -> throw new IllegalArgumentException("unsupported index version " + version);
    };
  }

  private static void u16(ByteArrayOutputStream o, int v) {
    o.write(v >>> 8);
    o.write(v);
  }

  private static void u24(ByteArrayOutputStream o, long v) {
    o.write((int) (v >>> 16));
    o.write((int) (v >>> 8));
    o.write((int) v);
  }

  private static void u32(ByteArrayOutputStream o, long v) {
    o.write((int) (v >>> 24));
    o.write((int) (v >>> 16));
    o.write((int) (v >>> 8));
    o.write((int) v);
  }

  private byte[] buildV1(int formatVersion) {
    List<ContentInfo> sorted = sortedEntries();
    int keySize = sorted.isEmpty() ? 255 : ContentKeys.toKey(sorted.get(0).id()).length;
    Map<String, Integer> packOffsets = new LinkedHashMap<>();
    ByteArrayOutputStream names = new ByteArrayOutputStream();
    int extraOffset = 8 + sorted.size() * (keySize + 20);
    for (ContentInfo e : sorted) {
      packOffsets.computeIfAbsent(
          e.packBlobId(),
          p -> {
            int off = extraOffset + names.size();
            names.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
            return off;
          });
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream(extraOffset + names.size());
    o.write(1);
    o.write(keySize);
    u16(o, 20);
    u32(o, sorted.size());
    for (ContentInfo e : sorted) {
      byte[] key = ContentKeys.toKey(e.id());
      checkKey(key, keySize);
      o.writeBytes(key);
      long ts = e.timestamp().getEpochSecond();
      u16(o, (int) (ts >>> 32));
      u32(o, ts);
      o.write(formatVersion);
      o.write(e.packBlobId().length());
      u32(o, packOffsets.get(e.packBlobId()));
      u32(o, e.packOffset() | (e.deleted() ? 0x80000000L : 0));
      u32(o, e.packedLength());
    }
    o.writeBytes(names.toByteArray());
    return o.toByteArray();
  }

  private static void checkKey(byte[] key, int keySize) {
    if (key.length != keySize) {
      throw new IllegalStateException("inconsistent key length " + key.length + " vs " + keySize);
    }
  }

  private byte[] buildV2(int formatVersion) {
    List<ContentInfo> sorted = sortedEntries();
    if (sorted.isEmpty()) {
      throw new IllegalStateException("an empty v2 index cannot be written");
    }
    int keySize = ContentKeys.toKey(sorted.get(0).id()).length;
    // formats and packs are numbered in order of first appearance in sorted entries, as Kopia does
    Map<Integer, Integer> formats = new LinkedHashMap<>();
    Map<String, Integer> packs = new LinkedHashMap<>();
    long maxLen = 0;
    long maxOffset = 0;
    for (ContentInfo e : sorted) {
      formats.putIfAbsent(e.compressionHeaderId(), formats.size());
      packs.putIfAbsent(e.packBlobId(), packs.size());
      maxLen = Math.max(maxLen, Math.max(e.packedLength(), e.originalLength()));
      maxOffset = Math.max(maxOffset, e.packOffset());
    }
    if (formats.size() > 255) {
      throw new IllegalStateException("too many formats in one index: " + formats.size());
    }
    if (packs.size() > (1 << 24)) {
      throw new IllegalStateException("too many packs in one index: " + packs.size());
    }
    if (maxLen >= (1L << 28)) {
      throw new IllegalStateException("content too long for index v2: " + maxLen);
    }
    if (maxOffset >= (1L << 30)) {
      throw new IllegalStateException("pack offset too high for index v2: " + maxOffset);
    }
    int entrySize = 16;
    if (formats.size() > 1) {
      entrySize = 17;
    }
    if (packs.size() > (1 << 16)) {
      entrySize = 18;
    }
    if (maxLen >= (1L << 24)) {
      entrySize = 19;
    }
    int extraOffset =
        17 + sorted.size() * (keySize + entrySize) + packs.size() * 5 + formats.size() * 6;
    ByteArrayOutputStream o = new ByteArrayOutputStream(extraOffset + packs.size() * 48);
    o.write(2);
    o.write(keySize);
    u16(o, entrySize);
    u32(o, sorted.size());
    u32(o, packs.size());
    o.write(formats.size());
    u32(o, 0); // base timestamp: 0.9/0.10 writers always write 0
    for (ContentInfo e : sorted) {
      byte[] key = ContentKeys.toKey(e.id());
      checkKey(key, keySize);
      o.writeBytes(key);
      u32(o, e.timestamp().getEpochSecond());
      u32(o, e.packOffset() | (e.deleted() ? 0x80000000L : 0));
      u24(o, e.originalLength() & 0xffffff);
      u24(o, e.packedLength() & 0xffffff);
      int packIndex = packs.get(e.packBlobId());
      u16(o, packIndex & 0xffff);
      if (entrySize > 16) {
        o.write(formats.get(e.compressionHeaderId()));
      }
      if (entrySize > 17) {
        o.write(packIndex >>> 16);
      }
      if (entrySize > 18) {
        o.write((int) (((e.originalLength() >>> 24) << 4) | (e.packedLength() >>> 24)));
      }
    }
    int nameOffset = extraOffset;
    for (String p : packs.keySet()) {
      o.write(p.length());
      u32(o, nameOffset);
      nameOffset += p.length();
    }
    for (int compression : formats.keySet()) {
      u32(o, compression);
      o.write(formatVersion);
      o.write(0); // encryption key id
    }
    for (String p : packs.keySet()) {
      o.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
    }
    return o.toByteArray();
  }
}
