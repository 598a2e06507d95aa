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

  /** Checks the header and returns the decompressed bytes. */
  byte[] decompress(byte[] compressed, int offset, int length) throws IOException;
}
