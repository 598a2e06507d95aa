package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinReg;
import java.util.ArrayList;
import java.util.List;

/** The Application log through Advapi32: RegisterEventSource, ReportEvent, ReadEventLog. */
final class JnaEventLog implements EventLog {
  private static final String MESSAGE_FILE =
      "%SystemRoot%\\Microsoft.NET\\Framework64\\v4.0.30319\\EventLogMessages.dll";
  private static final String SUBKEY =
      "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

  private final String source;

  JnaEventLog(String source) {
    this.source = source;
  }

  @Override
  public void report(Level level, int eventId, String message) throws ShimException {
    WinNT.HANDLE handle = Advapi32.INSTANCE.RegisterEventSource(null, source);
    if (handle == null) {
      throw ShimException.win32(
          "RegisterEventSource(" + source + ")", Kernel32.INSTANCE.GetLastError(), null);
    }
    try {
      String[] strings = {EventLog.fit(message)};
      if (!Advapi32.INSTANCE.ReportEvent(
          handle, level.type(), 0, eventId, null, 1, 0, strings, null)) {
        throw ShimException.win32(
            "ReportEvent(" + source + ")", Kernel32.INSTANCE.GetLastError(), null);
      }
    } finally {
      Advapi32.INSTANCE.DeregisterEventSource(handle);
    }
  }

  @Override
  public List<Event> newest(int max) throws ShimException {
    List<Event> events = new ArrayList<>();
    Advapi32Util.EventLogIterator it =
        new Advapi32Util.EventLogIterator(
            null, "Application", WinNT.EVENTLOG_BACKWARDS_READ | WinNT.EVENTLOG_SEQUENTIAL_READ);
    try {
      while (it.hasNext() && events.size() < max) {
        Advapi32Util.EventLogRecord r = it.next();
        if (!source.equalsIgnoreCase(r.getSource())) {
          continue;
        }
        String[] strings = r.getStrings();
        events.add(
            new Event(
                r.getSource(),
                Level.ofType(r.getRecord().EventType.intValue()),
                r.getEventId() & 0xFFFF,
                strings == null || strings.length == 0 ? "" : strings[0]));
      }
    } catch (Win32Exception e) {
      throw ShimException.win32("ReadEventLog(Application)", e.getErrorCode(), null);
    } finally {
      it.close();
    }
    return events;
  }

  @Override
  public void registerSource() throws ShimException {
    try {
      Advapi32Util.registryCreateKey(WinReg.HKEY_LOCAL_MACHINE, SUBKEY + source);
      Advapi32Util.registrySetExpandableStringValue(
          WinReg.HKEY_LOCAL_MACHINE, SUBKEY + source, "EventMessageFile", MESSAGE_FILE);
      Advapi32Util.registrySetIntValue(
          WinReg.HKEY_LOCAL_MACHINE, SUBKEY + source, "TypesSupported", 0x7);
    } catch (Win32Exception e) {
      throw ShimException.win32("RegCreateKeyEx(" + SUBKEY + source + ")", e.getErrorCode(), null);
    }
  }

  @Override
  public void unregisterSource() throws ShimException {
    try {
      if (Advapi32Util.registryKeyExists(WinReg.HKEY_LOCAL_MACHINE, SUBKEY + source)) {
        Advapi32Util.registryDeleteKey(WinReg.HKEY_LOCAL_MACHINE, SUBKEY + source);
      }
    } catch (Win32Exception e) {
      throw ShimException.win32("RegDeleteKey(" + SUBKEY + source + ")", e.getErrorCode(), null);
    }
  }
}
