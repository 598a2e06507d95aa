package ca.eazybackup.e3.agent.backup.blob;

import java.time.Duration;

/** Waiting, injectable so decorators that back off or throttle are testable without sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));

  void sleep(Duration d) throws InterruptedException;
}
