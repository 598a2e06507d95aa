package ca.eazybackup.e3.agent.backup.pack;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles one pack blob in memory (kopia repo/content/content_manager*.go): 32 random preamble
 * bytes, encrypted contents back to back, random padding to 4096, the encrypted local index and the
 * {@link Postamble}. Not thread-safe; its owner serialises appends.
 *
 * <p>An open pack keeps the appended arrays themselves rather than copying them into one buffer: a
 * buffer sized for the whole pack (20 MiB) was allocated up front and grown by half (a ~30 MiB
 * copy) by the append that crossed the pack size, so an open pack held up to 50 MiB for 20 MiB of
 * contents. {@link #finish} copies the parts once into the exact-size blob and drops them.
 */
public final class PackBuilder {
  public static final int PREAMBLE_LENGTH = 32;
  public static final int PADDING_UNIT = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String packBlobId;
  private final List<byte[]> parts = new ArrayList<>();
  private int[] starts = new int[16];
  private int length;
  private boolean finished;

  public PackBuilder(String packBlobId) {
    this.packBlobId = packBlobId;
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

  /**
   * Appends {@code data} and returns its offset in the pack. The pack keeps {@code data} itself
   * until it is finished: the caller must not change it afterwards.
   */
  public synchronized int append(byte[] data) {
    if (finished) {
      throw new IllegalStateException("pack " + packBlobId + " already finished");
    }
    if (data.length > Integer.MAX_VALUE - length) {
      throw new IllegalStateException("pack " + packBlobId + " would exceed 2 GiB");
    }
    add(data);
    int off = length;
    length += data.length;
    return off;
  }

  private void add(byte[] part) {
    if (parts.size() == starts.length) {
      starts = Arrays.copyOf(starts, starts.length * 2);
    }
    starts[parts.size()] = length;
    parts.add(part);
  }

  /** A copy of {@code len} bytes at {@code off}, for reads of contents not yet uploaded. */
  public synchronized byte[] slice(long off, long len) {
    if (off < 0 || len < 0 || off + len > length) {
      throw new IndexOutOfBoundsException("range outside pack " + packBlobId);
    }
    byte[] out = new byte[(int) len];
    int i = Arrays.binarySearch(starts, 0, parts.size(), (int) off);
    if (i < 0) {
      i = -i - 2; // the part that starts before off
    }
    int pos = (int) off;
    int done = 0;
    while (done < out.length) {
      byte[] part = parts.get(i);
      int from = pos - starts[i];
      int n = Math.min(part.length - from, out.length - done);
      System.arraycopy(part, from, out, done, n);
      done += n;
      pos += n;
      i++;
    }
    return out;
  }

  /**
   * Pads, appends the local index encrypted with iv = hash(localIndex) and the postamble, and
   * returns the whole blob, allocated once at its exact size; the parts are dropped, so an
   * uploading pack holds one array.
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
    byte[] out = new byte[total];
    for (int i = 0; i < parts.size(); i++) {
      byte[] part = parts.get(i);
      System.arraycopy(part, 0, out, starts[i], part.length);
    }
    System.arraycopy(pad, 0, out, length, pad.length);
    System.arraycopy(encrypted, 0, out, indexOffset, encrypted.length);
    System.arraycopy(postamble, 0, out, indexOffset + encrypted.length, postamble.length);
    parts.clear();
    length = 0;
    add(out);
    length = total;
    finished = true;
    return out;
  }
}
