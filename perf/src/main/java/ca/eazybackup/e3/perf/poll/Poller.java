package ca.eazybackup.e3.perf.poll;

import java.net.http.HttpRequest;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One agent's loop for one endpoint, open loop: send k is due at {@code first + k * period ±
 * jitter} whatever happened to send k-1, and its latency counts from that due time.
 */
final class Poller {
  private final ScheduledExecutorService ticker;
  private final Dispatcher dispatcher;
  private final HttpRequest request;
  private final Recorder recorder;
  private final long first;
  private final long period;
  private final long jitter;
  private final long measureFrom;
  private final long end;
  private final Consumer<String> onBody;
  private long k;

  Poller(
      ScheduledExecutorService ticker,
      Dispatcher dispatcher,
      HttpRequest request,
      Recorder recorder,
      long first,
      long period,
      long jitter,
      long measureFrom,
      long end,
      Consumer<String> onBody) {
    this.ticker = ticker;
    this.dispatcher = dispatcher;
    this.request = request;
    this.recorder = recorder;
    this.first = first;
    this.period = period;
    this.jitter = jitter;
    this.measureFrom = measureFrom;
    this.end = end;
    this.onBody = onBody;
  }

  void start() {
    scheduleNext();
  }

  private void scheduleNext() {
    long due = first + k * period + PollBench.jitter(jitter);
    k++;
    if (due >= end) {
      return;
    }
    ticker.schedule(() -> fire(due), due - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  private void fire(long due) {
    Recorder rec = due >= measureFrom ? recorder : null;
    dispatcher.submit(request, due, rec, onBody);
    scheduleNext();
  }
}
