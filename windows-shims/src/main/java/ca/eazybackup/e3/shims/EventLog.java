package ca.eazybackup.e3.shims;

import java.util.List;

/**
 * The Windows Application event log under one event source: where administrators and monitoring
 * tools look for a service's outcomes and errors (RegisterEventSource, ReportEvent).
 */
public interface EventLog {
  /**
   * ReportEvent's limit for one insertion string (ReportEvent docs: "Each string is limited to
   * 31,839 characters"); longer messages are cut to it.
   */
  int MAX_MESSAGE_CHARS = 31_839;

  /** EVENTLOG_*_TYPE. */
  enum Level {
    ERROR(0x1),
    WARNING(0x2),
    INFORMATION(0x4);

    private final int type;

    Level(int type) {
      this.type = type;
    }

    public int type() {
      return type;
    }

    public static Level ofType(int type) {
      for (Level l : values()) {
        if (l.type == type) {
          return l;
        }
      }
      return INFORMATION;
    }
  }

  /** One event as Event Viewer lists it. */
  record Event(String source, Level level, int eventId, String message) {}

  /** Writes one event with {@code message} as its single insertion string. */
  void report(Level level, int eventId, String message) throws ShimException;

  /** The newest {@code max} events of this source, newest first (tests, the Windows CI job). */
  List<Event> newest(int max) throws ShimException;

  /**
   * Registers the source under {@code HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application}
   * with a message file that shows the insertion string as the event's description (the .NET
   * Framework's EventLogMessages.dll, "%1" for every id, as EventLog.CreateEventSource does), so
   * Event Viewer does not prefix it with "The description for Event ID … cannot be found". Needs an
   * elevated process; the service installer calls it.
   */
  void registerSource() throws ShimException;

  /** Removes the source's registration (uninstall); absent is fine. */
  void unregisterSource() throws ShimException;

  /** The key registering {@code source}. */
  static String sourceKey(String source) {
    return "HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" + source;
  }

  /** Cuts {@code message} to {@link #MAX_MESSAGE_CHARS}. */
  static String fit(String message) {
    String m = message == null ? "" : message;
    return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
  }
}
