package ca.eazybackup.e3.agent.backup.splitter;

/**
 * Cuts one object's byte stream into chunks (Kopia repo/splitter). A splitter is stateful and
 * belongs to one object writer; the rolling hash is not reset between chunks, only per object.
 */
public interface Splitter {

  /**
   * Feeds {@code data[off, off+len)} and reports where the current chunk ends.
   *
   * @return the number of bytes, counted from {@code off}, that complete the current chunk, or -1
   *     when no cut falls in this range (every byte was consumed into the current chunk)
   */
  int nextSplitPoint(byte[] data, int off, int len);

  /** No chunk is ever longer than this. */
  int maxSegmentSize();
}
