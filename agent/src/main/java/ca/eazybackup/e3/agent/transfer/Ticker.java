package ca.eazybackup.e3.agent.transfer;

import java.util.concurrent.locks.LockSupport;

/**
 * The clock and the wait that throttling and backoff use, injectable so that tests observe a token
 * bucket's or a retry loop's waits without waiting.
 */
public interface Ticker {
  /** The JVM's monotonic clock and {@link LockSupport#parkNanos}. */
  Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void park(long nanos) {
          LockSupport.parkNanos(nanos);
        }
      };

  long nanoTime();

  /** Waits up to {@code nanos}; may return early (callers re-check their deadline). */
  void park(long nanos);
}
