package ca.eazybackup.e3.perf.poll;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends requests with at most {@code limit} in flight, so the client keeps a bounded set of
 * keep-alive connections; requests over the limit queue here, and that wait counts in their latency
 * (it is measured from the due time). A request that does not answer 200 within the timeout is an
 * error.
 */
final class Dispatcher {
  private record Pending(
      HttpRequest request, long due, Recorder recorder, Consumer<String> onBody) {}

  /** When a measured request was due, went out and was answered (System.nanoTime). */
  record Timing(long due, long sent, long answered) {}

  private final HttpClient http;
  private final int limit;
  private final Duration timeout;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final List<String> errorSamples = new CopyOnWriteArrayList<>();

  Dispatcher(HttpClient http, int limit, Duration timeout) {
    this.http = http;
    this.limit = limit;
    this.timeout = timeout;
  }

  void submit(HttpRequest request, long due, Recorder recorder, Consumer<String> onBody) {
    queue.add(new Pending(request, due, recorder, onBody));
    queued.incrementAndGet();
    drain();
  }

  int inFlight() {
    return inFlight.get();
  }

  int queued() {
    return queued.get();
  }

  List<String> errorSamples() {
    return errorSamples;
  }

  private void drain() {
    while (true) {
      int n = inFlight.get();
      if (n >= limit) {
        return;
      }
      if (!inFlight.compareAndSet(n, n + 1)) {
        continue;
      }
      Pending p = queue.poll();
      if (p == null) {
        inFlight.decrementAndGet();
        // A submit may have queued after our poll but seen the limit reached: look again.
        if (queue.isEmpty()) {
          return;
        }
        continue;
      }
      queued.decrementAndGet();
      send(p);
    }
  }

  private void send(Pending p) {
    long left = p.due() + timeout.toNanos() - System.nanoTime();
    if (left <= 0) {
      finish(p, null, "timed out waiting for a connection", null);
      return;
    }
    HttpRequest timed =
        HttpRequest.newBuilder(p.request(), (k, v) -> true).timeout(Duration.ofNanos(left)).build();
    long sent = System.nanoTime();
    http.sendAsync(timed, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                finish(p, null, e.toString(), null);
              } else if (r.statusCode() != 200) {
                finish(p, null, r.statusCode() + " " + r.body(), null);
              } else {
                finish(p, new Timing(p.due(), sent, System.nanoTime()), null, r.body());
              }
            });
  }

  private void finish(Pending p, Timing timing, String error, String body) {
    inFlight.decrementAndGet();
    if (error != null) {
      if (p.recorder() != null) {
        p.recorder().error();
        if (errorSamples.size() < 5) {
          errorSamples.add(p.request().uri().getPath() + ": " + error);
        }
      }
    } else {
      if (p.recorder() != null) {
        p.recorder().add(timing);
      }
      p.onBody().accept(body);
    }
    drain();
  }
}
