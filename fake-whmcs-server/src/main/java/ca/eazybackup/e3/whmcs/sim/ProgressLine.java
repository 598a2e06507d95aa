package ca.eazybackup.e3.whmcs.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** One human line of a run's progress, as the live view shows it. */
final class ProgressLine {
  private ProgressLine() {}

  static String of(JsonNode run) {
    long files = run.path("files_done").asLong();
    long filesTotal = run.path("files_total").asLong();
    long bytes = run.path("bytes_transferred").asLong();
    long bytesTotal = run.path("bytes_total").asLong();
    double speed = run.path("speed_bytes_per_sec").asDouble();
    long eta = run.path("eta_seconds").asLong(-1);
    String item = run.path("current_item").asText("");
    return String.format(
        Locale.ROOT,
        "  %-9s %5.1f%%  files %d/%d  %s/%s  %s/s  eta %s  %s",
        run.path("status").asText(),
        run.path("progress_pct").asDouble(),
        files,
        filesTotal,
        bytes(bytes),
        bytes(bytesTotal),
        bytes((long) speed),
        eta < 0 ? "?" : eta + "s",
        item.length() > 60 ? "…" + item.substring(item.length() - 59) : item);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
