package ca.eazybackup.e3.agent.backup.compression;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Kopia's compressor names and 4-byte header ids (kopia repo/compression/compression_ids.go). gzip,
 * pgzip (plain RFC 1952 members, so the JDK reads them), deflate and zstd compress and decompress
 * here. s2 ({@link S2Stream}) and lz4 (the LZ4 frame format pierrec/lz4 writes, read by lz4-java)
 * are read only, so a repository a Go agent wrote with them restores: {@link #byName} refuses them
 * for writing (the content store then writes zstd), {@link #byHeaderId} decodes them.
 */
public final class Compressors {
  /** The header id the index records for uncompressed contents. */
  public static final int NONE_ID = 0;

  public static final String NONE = "none";

  private static final Map<String, Integer> IDS = new LinkedHashMap<>();
  private static final Map<String, Compressor> BY_NAME = new LinkedHashMap<>();
  private static final Map<Integer, Compressor> BY_ID = new LinkedHashMap<>();

  /** Names this agent reads but does not write. */
  private static final Set<String> READ_ONLY =
      Set.of("s2-default", "s2-better", "s2-parallel-4", "s2-parallel-8", "lz4");

  static {
    IDS.put("gzip", 0x1000);
    IDS.put("gzip-best-speed", 0x1001);
    IDS.put("gzip-best-compression", 0x1002);
    IDS.put("zstd", 0x1100);
    IDS.put("zstd-fastest", 0x1101);
    IDS.put("zstd-better-compression", 0x1102);
    IDS.put("zstd-best-compression", 0x1103);
    IDS.put("s2-default", 0x1200);
    IDS.put("s2-better", 0x1201);
    IDS.put("s2-parallel-4", 0x1202);
    IDS.put("s2-parallel-8", 0x1203);
    IDS.put("pgzip", 0x1300);
    IDS.put("pgzip-best-speed", 0x1301);
    IDS.put("pgzip-best-compression", 0x1302);
    IDS.put("lz4", 0x1400);
    IDS.put("deflate-default", 0x1500);
    IDS.put("deflate-best-speed", 0x1501);
    IDS.put("deflate-best-compression", 0x1502);

    add(new Gzip("gzip", Deflater.DEFAULT_COMPRESSION));
    add(new Gzip("gzip-best-speed", Deflater.BEST_SPEED));
    add(new Gzip("gzip-best-compression", Deflater.BEST_COMPRESSION));
    add(new Gzip("pgzip", Deflater.DEFAULT_COMPRESSION));
    add(new Gzip("pgzip-best-speed", Deflater.BEST_SPEED));
    add(new Gzip("pgzip-best-compression", Deflater.BEST_COMPRESSION));
    // klauspost/compress zstd levels: fastest≈1, default≈3, better≈7, best≈11.
    add(new ZstdCompressor("zstd", 3));
    add(new ZstdCompressor("zstd-fastest", 1));
    add(new ZstdCompressor("zstd-better-compression", 7));
    add(new ZstdCompressor("zstd-best-compression", 11));
    add(new RawDeflate("deflate-default", Deflater.DEFAULT_COMPRESSION));
    add(new RawDeflate("deflate-best-speed", Deflater.BEST_SPEED));
    add(new RawDeflate("deflate-best-compression", Deflater.BEST_COMPRESSION));
    // Kopia's four s2 names differ only in how they compress; one stream format decodes them all.
    add(new S2("s2-default"));
    add(new S2("s2-better"));
    add(new S2("s2-parallel-4"));
    add(new S2("s2-parallel-8"));
    add(new Lz4Frame("lz4"));
  }

  private Compressors() {}

  private static void add(Compressor c) {
    BY_NAME.put(c.name(), c);
    BY_ID.put(c.headerId(), c);
  }

  /** Every name Kopia knows. */
  public static Set<String> knownNames() {
    return Collections.unmodifiableSet(IDS.keySet());
  }

  /** Kopia's header id for {@code name}; "none"/"" are {@link #NONE_ID}. */
  public static int headerId(String name) throws UnsupportedCompressorException {
    if (name == null || name.isEmpty() || NONE.equals(name)) {
      return NONE_ID;
    }
    Integer id = IDS.get(name);
    if (id == null) {
      throw new UnsupportedCompressorException("unknown compressor: " + name);
    }
    return id;
  }

  /** The compressor for {@code name}, or null for "none". */
  public static Compressor byName(String name) throws UnsupportedCompressorException {
    int id = headerId(name);
    if (READ_ONLY.contains(name)) {
      throw new UnsupportedCompressorException(
          "unsupported compressor " + name + " for writing (this agent only reads it)");
    }
    return id == NONE_ID ? null : byHeaderId(id);
  }

  /** Whether this agent can write {@code name} (every known name can be read). */
  public static boolean canWrite(String name) {
    return IDS.containsKey(name) && !READ_ONLY.contains(name);
  }

  public static Compressor byHeaderId(int id) throws UnsupportedCompressorException {
    Compressor c = BY_ID.get(id);
    if (c == null) {
      String name =
          IDS.entrySet().stream()
              .filter(e -> e.getValue() == id)
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(null);
      throw new UnsupportedCompressorException(
          name == null
              ? "unknown compression header id " + Integer.toHexString(id)
              : "unsupported compressor " + name + " (no Java implementation in this agent)");
    }
    return c;
  }

  /** Decompresses a header-prefixed stream, choosing the codec from its header. */
  public static byte[] decompress(byte[] data, int offset, int length) throws IOException {
    if (length < 4) {
      throw new IOException("compressed data too short");
    }
    return byHeaderId(readHeader(data, offset)).decompress(data, offset, length);
  }

  static int readHeader(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  private abstract static class Base implements Compressor {
    private final String name;
    private final int id;

    Base(String name) {
      this.name = name;
      this.id = IDS.get(name);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int headerId() {
      return id;
    }

    ByteArrayOutputStream headed(int capacity) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(capacity + 64);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      return out;
    }

    void checkHeader(byte[] data, int offset, int length) throws IOException {
      if (length < 4 || readHeader(data, offset) != id) {
        throw new IOException("invalid compression header for " + name);
      }
    }

    @Override
    public byte[] compress(byte[] data, int offset, int length) throws IOException {
      ByteArrayOutputStream out = headed(length / 2);
      try (OutputStream s = wrap(out)) {
        s.write(data, offset, length);
      }
      return out.toByteArray();
    }

    @Override
    public byte[] decompress(byte[] data, int offset, int length) throws IOException {
      checkHeader(data, offset, length);
      try (InputStream in = unwrap(new ByteArrayInputStream(data, offset + 4, length - 4))) {
        return in.readAllBytes();
      }
    }

    abstract OutputStream wrap(OutputStream out) throws IOException;

    abstract InputStream unwrap(InputStream in) throws IOException;
  }

  private static final class Gzip extends Base {
    private final int level;

    Gzip(String name, int level) {
      super(name);
      this.level = level;
    }

    @Override
    OutputStream wrap(OutputStream out) throws IOException {
      return new GZIPOutputStream(out, 64 * 1024) {
        {
          def.setLevel(level);
        }
      };
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      // GZIPInputStream reads concatenated members, which is what pgzip writes.
      return new GZIPInputStream(in, 64 * 1024);
    }
  }

  private static final class RawDeflate extends Base {
    private final int level;

    RawDeflate(String name, int level) {
      super(name);
      this.level = level;
    }

    @Override
    OutputStream wrap(OutputStream out) {
      Deflater d = new Deflater(level, true);
      return new DeflaterOutputStream(out, d, 64 * 1024) {
        @Override
        public void close() throws IOException {
          super.close();
          d.end();
        }
      };
    }

    @Override
    InputStream unwrap(InputStream in) {
      Inflater inf = new Inflater(true);
      return new InflaterInputStream(in, inf, 64 * 1024) {
        @Override
        public void close() throws IOException {
          super.close();
          inf.end();
        }
      };
    }
  }

  private static final class ZstdCompressor extends Base {
    private final int level;

    ZstdCompressor(String name, int level) {
      super(name);
      this.level = level;
    }

    @Override
    public byte[] compress(byte[] data, int offset, int length) throws IOException {
      Compressed c = compressUntrimmed(data, offset, length);
      return java.util.Arrays.copyOf(c.buffer(), c.length());
    }

    @Override
    public Compressed compressUntrimmed(byte[] data, int offset, int length) throws IOException {
      return compressUntrimmed(data, offset, length, null);
    }

    @Override
    public int maxCompressedLength(int length) {
      return 4 + (int) Zstd.compressBound(length);
    }

    @Override
    public Compressed compressUntrimmed(byte[] data, int offset, int length, byte[] scratch)
        throws IOException {
      int bound = maxCompressedLength(length);
      byte[] out = scratch != null && scratch.length >= bound ? scratch : new byte[bound];
      long n = Zstd.compressByteArray(out, 4, out.length - 4, data, offset, length, level);
      if (Zstd.isError(n)) {
        throw new IOException("zstd compression failed: " + Zstd.getErrorName(n));
      }
      int id = headerId();
      out[0] = (byte) (id >>> 24);
      out[1] = (byte) (id >>> 16);
      out[2] = (byte) (id >>> 8);
      out[3] = (byte) id;
      return new Compressed(out, 4 + (int) n);
    }

    @Override
    public byte[] decompress(byte[] data, int offset, int length, int originalLength)
        throws IOException {
      checkHeader(data, offset, length);
      if (originalLength >= 0) {
        // One-shot decode into the exact size; handles frames without a content size and
        // concatenated frames, as long as they fit.
        byte[] out = new byte[originalLength];
        try {
          long n = Zstd.decompressByteArray(out, 0, originalLength, data, offset + 4, length - 4);
          if (!Zstd.isError(n) && n == originalLength) {
            return out;
          }
        } catch (ZstdException e) {
          // Not exactly originalLength bytes (or not zstd at all): the streaming decode below
          // either reports the real error or returns what the stream holds for the hash check.
        }
      }
      return decompress(data, offset, length);
    }

    @Override
    public int decompressInto(
        byte[] data, int offset, int length, byte[] out, int outOffset, int originalLength)
        throws IOException {
      checkHeader(data, offset, length);
      if (originalLength < 0 || out.length - outOffset < originalLength) {
        return -1;
      }
      try {
        long n =
            Zstd.decompressByteArray(out, outOffset, originalLength, data, offset + 4, length - 4);
        return !Zstd.isError(n) && n == originalLength ? originalLength : -1;
      } catch (ZstdException e) {
        return -1; // not exactly originalLength bytes: the caller decodes the streaming way
      }
    }

    @Override
    OutputStream wrap(OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      // Streaming decode: Go's encoder may omit the frame content size.
      return new ZstdInputStream(in);
    }
  }

  /** A compressor this agent only reads; writing it is refused before it gets here. */
  private abstract static class ReadOnly extends Base {
    ReadOnly(String name) {
      super(name);
    }

    @Override
    public byte[] compress(byte[] data, int offset, int length) throws IOException {
      throw new UnsupportedCompressorException(
          "unsupported compressor " + name() + " for writing (this agent only reads it)");
    }

    @Override
    OutputStream wrap(OutputStream out) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class S2 extends ReadOnly {
    S2(String name) {
      super(name);
    }

    @Override
    public byte[] decompress(byte[] data, int offset, int length) throws IOException {
      return decompress(data, offset, length, -1);
    }

    @Override
    public byte[] decompress(byte[] data, int offset, int length, int originalLength)
        throws IOException {
      checkHeader(data, offset, length);
      return S2Stream.decode(data, offset + 4, length - 4, originalLength);
    }

    @Override
    InputStream unwrap(InputStream in) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class Lz4Frame extends ReadOnly {
    Lz4Frame(String name) {
      super(name);
    }

    @Override
    InputStream unwrap(InputStream in) throws IOException {
      // pierrec/lz4 writes the standard LZ4 frame (content checksum on, block checksums off);
      // lz4-java's frame reader checks whichever the frame descriptor announces.
      return new LZ4FrameInputStream(in);
    }
  }
}
