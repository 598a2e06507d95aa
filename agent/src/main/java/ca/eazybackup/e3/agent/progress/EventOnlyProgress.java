package ca.eazybackup.e3.agent.progress;

/**
 * A reporter that cares only about events (a CLI verb, a benchmark, a test recorder): the scan,
 * item and byte callbacks do nothing and the snapshot is empty. Subclasses implement {@link #event}
 * and override what else they need.
 */
public abstract class EventOnlyProgress implements ProgressReporter {
  private static final ProgressSnapshot EMPTY =
      new ProgressSnapshot(0, 0, false, 0, 0, 0, 0, -1, null);

  @Override
  public void scanStarted() {}

  @Override
  public void scanFound(long files, long bytes) {}

  @Override
  public void scanFinished() {}

  @Override
  public void itemStarted(String path) {}

  @Override
  public void bytesDone(long delta) {}

  @Override
  public void itemDone(String path) {}

  @Override
  public void itemSkipped(String path, String reason) {}

  @Override
  public ProgressSnapshot snapshot() {
    return EMPTY;
  }
}
