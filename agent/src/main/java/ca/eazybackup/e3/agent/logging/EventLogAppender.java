package ca.eazybackup.e3.agent.logging;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Copies what an administrator watches for into the Windows Application log under the agent's
 * source: each run's outcome ({@code run.finished}) and every agent error. The agent's own log
 * files stay the full record; a failing event log costs one line on stderr and nothing else. The
 * text is masked like the files (secrets never reach the event log, which every local user reads).
 */
public final class EventLogAppender extends AppenderBase<ILoggingEvent> {
  /** Event ids, stable for monitoring rules: 1-4 a run's outcome, 100 an agent error. */
  public static final int RUN_SUCCEEDED = 1;

  public static final int RUN_WARNING = 2;
  public static final int RUN_FAILED = 3;
  public static final int RUN_CANCELLED = 4;
  public static final int AGENT_ERROR = 100;

  static final String NAME = "EVENTLOG";
  private static final Pattern STATUS = Pattern.compile("\\bstatus=(\\w+)");

  private final EventLog eventLog;
  private volatile boolean warned;

  EventLogAppender(EventLog eventLog) {
    this.eventLog = eventLog;
    setName(NAME);
  }

  /** Adds the appender to the root logger (again after each logging reconfiguration). */
  public static void attach(EventLog eventLog) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(NAME);
    EventLogAppender appender = new EventLogAppender(eventLog);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message == null) {
      return;
    }
    EventLog.Level level;
    int id;
    if (message.startsWith("run.finished ")) {
      Matcher m = STATUS.matcher(message);
      String status = m.find() ? m.group(1) : "";
      switch (status) {
        case "success" -> {
          level = EventLog.Level.INFORMATION;
          id = RUN_SUCCEEDED;
        }
        case "warning" -> {
          level = EventLog.Level.WARNING;
          id = RUN_WARNING;
        }
        case "cancelled" -> {
          level = EventLog.Level.WARNING;
          id = RUN_CANCELLED;
        }
        default -> {
          level = EventLog.Level.ERROR;
          id = RUN_FAILED;
        }
      }
    } else if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      level = EventLog.Level.ERROR;
      id = AGENT_ERROR;
      IThrowableProxy t = event.getThrowableProxy();
      if (t != null) {
        message += " exception=" + t.getClassName() + ": " + t.getMessage();
      }
    } else {
      return;
    }
    try {
      eventLog.report(level, id, Redactor.global().redact(message));
    } catch (ShimException | RuntimeException e) {
      if (!warned) {
        warned = true; // once: the event log is a copy, its absence must not flood stderr
        System.err.println("event log unavailable, events stay in the log files only: " + e);
      }
    }
  }
}
