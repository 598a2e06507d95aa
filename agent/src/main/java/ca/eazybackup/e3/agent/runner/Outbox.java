package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.Backoff;
import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import ca.eazybackup.e3.agent.progress.ReportSink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers run updates, events and command results to the addon strictly in the order they were
 * queued, on one thread. While the addon is unreachable or answers 5xx the head item is retried
 * with jittered backoff and everything behind it waits: nothing is lost or reordered, and the final
 * status of a run, queued last, arrives last.
 *
 * <p>Why retrying is safe here: {@code agent_update_run} writes absolute values (repeating it
 * changes nothing); events carry a per-run {@code seq} the addon dedupes; completing a command or
 * reporting a browse twice answers 409, which we take as "already done". While items wait,
 * consecutive non-final updates of one run are merged (later fields win) and consecutive event
 * batches of one run are sent together, so a long outage does not turn into a long replay.
 */
final class Outbox implements ReportSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final int MAX_EVENTS_PER_CALL = 200;

  /** What the runner wants to know about the addon's answers. */
  interface Listener {
    void onUpdateAnswer(long runId, UpdateRunResponse response);

    /** The addon refused a run's update for good (409 terminal, 404 unknown). */
    void onRunRejected(long runId, ApiException error);
  }

  /** A result delivery (command completion, browse report, NAS status). */
  interface Call {
    void send(AgentApiClient api) throws ApiException;
  }

  private sealed interface Item permits Update, Events, Generic {}

  private record Update(long runId, ObjectNode body, boolean terminal) implements Item {}

  private record Events(long runId, List<RunEvent> events) implements Item {}

  private record Generic(String name, Call call) implements Item {}

  private final AgentApiClient api;
  private final Listener listener;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Item> queue = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closed;
  private boolean inFlight;

  /** Runs whose final status is queued or being sent (see {@link #terminalPending}). */
  private final java.util.Set<Long> terminalUndelivered =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  Outbox(AgentApiClient api, Listener listener, Duration backoffBase, Duration backoffCap) {
    this.api = api;
    this.listener = listener;
    this.backoffBase = backoffBase;
    this.backoffCap = backoffCap;
    this.thread = new Thread(this::deliverLoop, "e3-outbox");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  public void update(long runId, ObjectNode body, boolean terminal) {
    if (terminal) {
      terminalUndelivered.add(runId);
    }
    offer(new Update(runId, body, terminal));
  }

  /**
   * True while the final status of {@code runId} has not reached the addon yet. The addon still
   * sees such a run in progress and may hand it back as "reclaimed" after an outage; running it
   * again would do the work twice.
   */
  boolean terminalPending(long runId) {
    return terminalUndelivered.contains(runId);
  }

  @Override
  public void event(long runId, RunEvent event) {
    offer(new Events(runId, List.of(event)));
  }

  void call(String name, Call call) {
    offer(new Generic(name, call));
  }

  private void offer(Item item) {
    lock.lock();
    try {
      queue.addLast(item);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  int pending() {
    lock.lock();
    try {
      return queue.size() + (inFlight ? 1 : 0);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until everything queued so far is delivered (or dropped), at most {@code timeout}. */
  boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!queue.isEmpty() || inFlight) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void deliverLoop() {
    Backoff backoff = new Backoff(backoffBase, backoffCap);
    while (!closed) {
      Batch batch;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) {
          changed.await();
        }
        if (closed) {
          return;
        }
        batch = takeBatch();
        inFlight = true;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      boolean done = deliver(batch);
      lock.lock();
      try {
        inFlight = false;
        if (!done) {
          // Put the batch back in front, in order, and wait before trying again.
          for (int i = batch.items.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.items.get(i));
          }
        } else if (batch.items.get(0) instanceof Update u && u.terminal()) {
          // Before the signal: a flush() that returns must already see the status delivered.
          terminalUndelivered.remove(u.runId());
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (done) {
        backoff.reset();
      } else {
        Duration wait = backoff.next();
        log.info(
            "outbox.retry_later item={} attempt={} wait_ms={} queued={}",
            batch.describe(),
            backoff.attempts(),
            wait.toMillis(),
            pending());
        sleepUnlessClosed(wait);
      }
    }
  }

  private record Batch(List<Item> items) {
    String describe() {
      Item head = items.get(0);
      if (head instanceof Update u) {
        return "update(run_id=" + u.runId() + ",terminal=" + u.terminal() + ")";
      }
      if (head instanceof Events e) {
        return "events(run_id=" + e.runId() + ")";
      }
      return ((Generic) head).name();
    }
  }

  /** Removes the head item and whatever can travel with it. Caller holds the lock. */
  private Batch takeBatch() {
    List<Item> items = new ArrayList<>();
    Item head = queue.pollFirst();
    items.add(head);
    if (head instanceof Update u && !u.terminal()) {
      Iterator<Item> it = queue.iterator();
      while (it.hasNext()) {
        Item next = it.next();
        if (next instanceof Update n && n.runId() == u.runId() && !n.terminal()) {
          items.add(next);
          it.remove();
        } else {
          break;
        }
      }
    } else if (head instanceof Events e) {
      int count = e.events().size();
      Iterator<Item> it = queue.iterator();
      while (it.hasNext() && count < MAX_EVENTS_PER_CALL) {
        Item next = it.next();
        if (next instanceof Events n && n.runId() == e.runId()) {
          items.add(next);
          count += n.events().size();
          it.remove();
        } else {
          break;
        }
      }
    }
    return new Batch(items);
  }

  /** True when the batch is done with (delivered, or refused for good). */
  private boolean deliver(Batch batch) {
    Item head = batch.items.get(0);
    try {
      if (head instanceof Update u) {
        ObjectNode merged = u.body().deepCopy();
        for (int i = 1; i < batch.items.size(); i++) {
          merged.setAll(((Update) batch.items.get(i)).body());
        }
        UpdateRunResponse r = api.updateRun(merged);
        listener.onUpdateAnswer(u.runId(), r);
      } else if (head instanceof Events e) {
        List<RunEvent> all = new ArrayList<>();
        for (Item i : batch.items) {
          all.addAll(((Events) i).events());
        }
        api.pushEvents(e.runId(), all);
      } else {
        ((Generic) head).call().send(api);
      }
      return true;
    } catch (ApiException ex) {
      // 401 too: the credentials may be fixed on the addon side; dropping would lose updates.
      if (ex.isTransient() || ex.httpStatus() == 401) {
        log.warn("outbox.deliver_failed item={} error={}", batch.describe(), ex.getMessage());
        return false;
      }
      if (ex.httpStatus() == 409 && head instanceof Generic) {
        log.info("outbox.already_done item={} message={}", batch.describe(), ex.getMessage());
        return true;
      }
      log.warn("outbox.dropped item={} error={}", batch.describe(), ex.getMessage());
      if (head instanceof Update u) {
        listener.onRunRejected(u.runId(), ex);
      } else if (head instanceof Events e) {
        listener.onRunRejected(e.runId(), ex);
      }
      return true;
    } catch (RuntimeException ex) {
      log.error("outbox.bug item={} error={}", batch.describe(), ex.toString(), ex);
      return true;
    }
  }

  private void sleepUnlessClosed(Duration wait) {
    lock.lock();
    try {
      long left = wait.toNanos();
      while (left > 0 && !closed) {
        left = changed.awaitNanos(left);
        // new items do not cut the wait short: only close does
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
