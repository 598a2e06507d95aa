package ca.eazybackup.e3.agent.engine;

/** Thrown out of engine code when the run was cancelled; the runner reports {@code cancelled}. */
public final class RunCancelledException extends Exception {
  private static final long serialVersionUID = 1L;

  public RunCancelledException(String reason) {
    super(reason);
  }
}
