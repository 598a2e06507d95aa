package ca.eazybackup.e3.agent.tray;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Remembers the last run's outcome from the runtime's {@code run.finished} event, so the tray can
 * show it without the status channel reaching into the runtime.
 */
public final class LastRunTracker extends AppenderBase<ILoggingEvent> {
  static final String NAME = "LAST-RUN";
  private static final Pattern FINISHED =
      Pattern.compile(
          "^run\\.finished run_id=(\\d+) status=(\\w+) seconds=(\\d+) message=(.*)$",
          Pattern.DOTALL);

  /** What the tray shows of the last finished run. */
  public record LastRun(long runId, String status, long seconds, String message, Instant at) {}

  private final AtomicReference<LastRun> last = new AtomicReference<>();

  /** A tracker fed by the root logger (attached again after each logging reconfiguration). */
  public static LastRunTracker attach() {
    LastRunTracker tracker = new LastRunTracker();
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAppender(NAME);
      tracker.setName(NAME);
      tracker.setContext(context);
      tracker.start();
      root.addAppender(tracker);
    }
    return tracker;
  }

  public LastRun last() {
    return last.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message == null || !message.startsWith("run.finished ")) {
      return;
    }
    Matcher m = FINISHED.matcher(message);
    if (m.matches()) {
      last.set(
          new LastRun(
              Long.parseLong(m.group(1)),
              m.group(2),
              Long.parseLong(m.group(3)),
              m.group(4),
              Instant.ofEpochMilli(event.getTimeStamp())));
    }
  }
}
