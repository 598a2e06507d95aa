package ca.eazybackup.e3.agent.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A cancel flag that long work polls and that can interrupt blocking calls through hooks. */
public final class Cancellation {
  private volatile String reason;
  private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Marks cancelled (first reason wins) and runs the hooks once. */
  public void cancel(String why) {
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why == null ? "cancelled" : why;
    }
    for (Runnable hook : hooks) {
      hook.run();
    }
  }

  /** Runs {@code hook} on cancel, or now if already cancelled. */
  public void onCancel(Runnable hook) {
    hooks.add(hook);
    if (isCancelled()) {
      hook.run();
    }
  }

  public void throwIfCancelled() throws RunCancelledException {
    if (isCancelled()) {
      throw new RunCancelledException(reason);
    }
  }
}
