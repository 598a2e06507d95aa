package ca.eazybackup.e3.perf.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One measured line of results.tsv: {@code bench step mode tool rep seconds cpu_s rss_kib bytes
 * requests}. bench is sync, kopia, ceiling or memory; tool is ours, rclone, restic or jvm; mode
 * says how ours ran (cold = a fresh JVM for this step; resident = the one long-lived JVM, rep 1
 * being the first time that JVM ran the step) and at which parallelism.
 */
record Row(
    String bench,
    String step,
    String mode,
    String tool,
    int rep,
    double seconds,
    double cpu,
    long rssKib,
    long bytes,
    long requests) {

  static List<Row> read(Path tsv) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(tsv)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length < 10) {
        throw new IOException("bad results line (want 10 tab-separated fields): " + line);
      }
      rows.add(
          new Row(
              f[0],
              f[1],
              f[2],
              f[3],
              Integer.parseInt(f[4]),
              Double.parseDouble(f[5]),
              Double.parseDouble(f[6]),
              Long.parseLong(f[7]),
              Long.parseLong(f[8]),
              Long.parseLong(f[9])));
    }
    return rows;
  }
}
