package ca.eazybackup.e3.whmcs.runs;

/** Told after a run reached a terminal status (notifications hang here). */
@FunctionalInterface
public interface RunFinishedListener {
  void runFinished(long runId);
}
