package ca.eazybackup.e3.agent.backup.compression;

import java.io.IOException;

/**
 * One of Kopia's compressors (repo/compression). Compressed form: {@code u32be(headerId) ‖ stream}.
 * Thread-safe.
 */
public interface Compressor {
  String name();

  int headerId();

  /** Header + compressed stream. */
  byte[] compress(byte[] data, int offset, int length) throws IOException;

  /** The first {@code length} bytes of {@code buffer}: header + compressed stream. */
  record Compressed(byte[] buffer, int length) {}

  /**
   * Like {@link #compress}, but may return a larger buffer than the output instead of copying it to
   * its exact size, for callers (the content store's encryption) that read a range anyway.
   */
  default Compressed compressUntrimmed(byte[] data, int offset, int length) throws IOException {
    byte[] z = compress(data, offset, length);
    return new Compressed(z, z.length);
  }

  /**
   * Like {@link #compressUntrimmed(byte[], int, int)}, writing into {@code scratch} when the codec
   * can and it is large enough ({@link #maxCompressedLength}), so a caller that consumes the output
   * before its next call (the content store encrypts it at once) can reuse one buffer per thread
   * instead of allocating a chunk-sized array per content. The result's buffer may be {@code
   * scratch}.
   */
  default Compressed compressUntrimmed(byte[] data, int offset, int length, byte[] scratch)
      throws IOException {
    return compressUntrimmed(data, offset, length);
  }

  /** The scratch size {@link #compressUntrimmed(byte[], int, int, byte[])} can use, or -1. */
  default int maxCompressedLength(int length) {
    return -1;
  }

  /** Checks the header and returns the decompressed bytes. */
  byte[] decompress(byte[] compressed, int offset, int length) throws IOException;

  /**
   * Like {@link #decompress(byte[], int, int)} when the caller knows the decompressed length (the
   * index records it): codecs that can decode straight into an array of that size do so, without
   * the growing buffers and final copy of a streaming read. A stream that does not decode to
   * exactly {@code originalLength} bytes is decoded again the streaming way, so the caller's hash
   * check sees what the data really holds.
   */
  default byte[] decompress(byte[] compressed, int offset, int length, int originalLength)
      throws IOException {
    return decompress(compressed, offset, length);
  }

  /**
   * Decompresses into {@code out} at {@code outOffset} when the data decodes to exactly {@code
   * originalLength} bytes and they fit, returning that length; returns -1 otherwise (the caller
   * then falls back to {@link #decompress(byte[], int, int, int)}). Lets a bulk reader reuse one
   * buffer per thread instead of allocating an array per content.
   */
  default int decompressInto(
      byte[] compressed, int offset, int length, byte[] out, int outOffset, int originalLength)
      throws IOException {
    return -1;
  }
}
