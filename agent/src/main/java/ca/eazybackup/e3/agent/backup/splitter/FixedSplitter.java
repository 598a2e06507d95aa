package ca.eazybackup.e3.agent.backup.splitter;

/** Kopia's FIXED-nM splitter: a cut every {@code size} bytes. */
final class FixedSplitter implements Splitter {
  private final int size;
  private int count;

  FixedSplitter(int size) {
    this.size = size;
  }

  @Override
  public int nextSplitPoint(byte[] data, int off, int len) {
    int left = size - count;
    if (len >= left) {
      count = 0;
      return left;
    }
    count += len;
    return -1;
  }

  @Override
  public int maxSegmentSize() {
    return size;
  }
}
