package ca.eazybackup.e3.agent.backup.pack;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Assembles one pack blob in memory (kopia repo/content/content_manager*.go): 32 random preamble
 * bytes, encrypted contents back to back, random padding to 4096, the encrypted local index and the
 * {@link Postamble}. Not thread-safe; its owner serialises appends.
 */
public final class PackBuilder {
  public static final int PREAMBLE_LENGTH = 32;
  public static final int PADDING_UNIT = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String packBlobId;
  private byte[] buf;
  private int length;
  private boolean finished;

  public PackBuilder(String packBlobId, int expectedSize) {
    this.packBlobId = packBlobId;
    this.buf = new byte[Math.max(4096, expectedSize)];
    byte[] preamble = new byte[PREAMBLE_LENGTH];
    RANDOM.nextBytes(preamble);
    append(preamble);
  }

  public String packBlobId() {
    return packBlobId;
  }

  /** Bytes so far. */
  public synchronized int length() {
    return length;
  }

  /** Appends {@code data} and returns its offset in the pack. */
  public synchronized int append(byte[] data) {
    if (finished) {
      throw new IllegalStateException("pack " + packBlobId + " already finished");
    }
    ensure(length + data.length);
    System.arraycopy(data, 0, buf, length, data.length);
    int off = length;
    length += data.length;
    return off;
  }

  /** A copy of {@code len} bytes at {@code off}, for reads of contents not yet uploaded. */
  public synchronized byte[] slice(long off, long len) {
    if (off < 0 || off + len > length) {
      throw new IndexOutOfBoundsException("range outside pack " + packBlobId);
    }
    return Arrays.copyOfRange(buf, (int) off, (int) (off + len));
  }

  private void ensure(int capacity) {
    if (capacity > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(capacity, buf.length + buf.length / 2));
    }
  }

  /**
   * Pads, appends the local index encrypted with iv = hash(localIndex) and the postamble, and
   * returns the whole blob. The blob is allocated once at its exact size and the open buffer is
   * dropped: appending the tail to the open buffer could grow it by half (a 30 MiB copy for a 20
   * MiB pack) before the exact-size copy, and both were live while the pack uploaded.
   */
  public synchronized byte[] finish(
      byte[] localIndex, HashFunction hash, ContentEncryptor encryptor) {
    if (finished) {
      throw new IllegalStateException("pack " + packBlobId + " already finished");
    }
    byte[] pad = new byte[PADDING_UNIT - (length % PADDING_UNIT)];
    RANDOM.nextBytes(pad);
    byte[] iv = hash.hash(localIndex);
    byte[] encrypted = encryptor.encrypt(localIndex, iv);
    int indexOffset = length + pad.length;
    byte[] postamble = new Postamble(iv, indexOffset, encrypted.length).encode();
    int total = indexOffset + encrypted.length + postamble.length;
    byte[] out = buf.length == total ? buf : Arrays.copyOf(buf, total);
    System.arraycopy(pad, 0, out, length, pad.length);
    System.arraycopy(encrypted, 0, out, indexOffset, encrypted.length);
    System.arraycopy(postamble, 0, out, indexOffset + encrypted.length, postamble.length);
    buf = out;
    length = total;
    finished = true;
    return out;
  }
}
