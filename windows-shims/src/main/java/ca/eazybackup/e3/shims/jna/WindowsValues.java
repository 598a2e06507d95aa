package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ServiceState;
import java.util.ArrayList;
import java.util.List;

/** Pure translations of Win32 values (drive types, drive masks, service states, command lines). */
final class WindowsValues {
  private WindowsValues() {}

  /** GetDriveTypeW → the browser's drive type; null for DRIVE_NO_ROOT_DIR (skip the letter). */
  static String driveType(int type) {
    return switch (type) {
      case 2 -> "removable";
      case 3 -> "fixed";
      case 4 -> "network";
      case 5 -> "cdrom";
      case 6 -> "ram";
      case 1 -> null;
      default -> "unknown";
    };
  }

  /** GetLogicalDrives bit mask → letters (bit 0 is A:). */
  static List<Character> lettersOf(int mask) {
    List<Character> letters = new ArrayList<>();
    for (int bit = 0; bit < 26; bit++) {
      if ((mask & (1 << bit)) != 0) {
        letters.add((char) ('A' + bit));
      }
    }
    return letters;
  }

  static final int SERVICE_STOPPED = 1;
  static final int SERVICE_START_PENDING = 2;
  static final int SERVICE_STOP_PENDING = 3;
  static final int SERVICE_RUNNING = 4;

  /** Our state → SERVICE_STATUS.dwCurrentState, for SetServiceStatus. */
  static int serviceStateCode(ServiceState state) {
    return switch (state) {
      case START_PENDING -> SERVICE_START_PENDING;
      case STOP_PENDING -> SERVICE_STOP_PENDING;
      case RUNNING -> SERVICE_RUNNING;
      default -> SERVICE_STOPPED;
    };
  }

  /** SERVICE_STATUS.dwCurrentState → our state (pause states count as running). */
  static ServiceState serviceState(int current) {
    return switch (current) {
      case 1 -> ServiceState.STOPPED;
      case 2 -> ServiceState.START_PENDING;
      case 3 -> ServiceState.STOP_PENDING;
      case 4, 5, 6, 7 -> ServiceState.RUNNING;
      default -> ServiceState.STOPPED;
    };
  }

  /**
   * Joins arguments into the command line CreateService stores, quoting as CommandLineToArgvW
   * parses it: spaces, tabs and quotes need quotes; backslashes before a quote are doubled.
   */
  static String commandLine(List<String> args) {
    StringBuilder out = new StringBuilder();
    for (String arg : args) {
      if (out.length() > 0) {
        out.append(' ');
      }
      boolean needsQuotes =
          arg.isEmpty() || arg.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '"');
      if (!needsQuotes) {
        out.append(arg);
        continue;
      }
      out.append('"');
      int backslashes = 0;
      for (char c : arg.toCharArray()) {
        if (c == '\\') {
          backslashes++;
          continue;
        }
        if (c == '"') {
          out.append("\\".repeat(backslashes * 2 + 1)).append('"');
        } else {
          out.append("\\".repeat(backslashes)).append(c);
        }
        backslashes = 0;
      }
      out.append("\\".repeat(backslashes * 2)).append('"');
    }
    return out.toString();
  }
}
