package ca.eazybackup.e3.perf.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Turns one run's results.tsv and meta.properties into RESULTS.md (each figure as ours / peer =
 * ratio, and as a share of its ceiling), a JSON record for the history, and PNG charts. Usage:
 * {@code report RUN_DIR OUT_DIR}: writes OUT_DIR/RESULTS.md, OUT_DIR/charts/*.png and
 * OUT_DIR/results/STAMP.json.
 */
final class Report {
  /** One compared step: ours (cold headline, first in the resident JVM, warm) against the peer. */
  record Line(
      String bench,
      String step,
      String pairing,
      String peer,
      Double oursCold,
      Double oursFirstResident,
      Double oursWarm,
      Double peerSeconds,
      Double oursCpu,
      Double peerCpu,
      Long oursRssKib,
      Long oursResidentRssKib,
      Long peerRssKib,
      Double ceilingSeconds) {
    Double ratio(Double ours) {
      return ours == null || peerSeconds == null || ours <= 0 ? null : peerSeconds / ours;
    }

    Double rssRatio() {
      return oursRssKib == null || peerRssKib == null || peerRssKib == 0
          ? null
          : (double) oursRssKib / peerRssKib;
    }

    Double ceilingShare() {
      return ceilingSeconds == null || oursCold == null ? null : ceilingSeconds / oursCold;
    }
  }

  private final List<Row> rows;
  private final Properties meta;

  /** Lines of requests.tsv: bench, step, mode, rep, {@code Op=n,Op=n}. */
  private final List<String[]> requests;

  private Report(List<Row> rows, Properties meta, List<String[]> requests) {
    this.rows = rows;
    this.meta = meta;
    this.requests = requests;
  }

  /** USD per 1,000 requests, AWS S3 Standard list price (us-east-1): a typical, not our, price. */
  static final double CLASS_A_PER_1000 = 0.005;

  static final double CLASS_B_PER_1000 = 0.0004;

  /** PUT, COPY, POST, LIST are billed as class A; GET, HEAD as class B; DELETE is free. */
  static boolean classA(String op) {
    return op.startsWith("Put")
        || op.startsWith("List")
        || op.startsWith("Copy")
        || op.contains("Multipart")
        || op.equals("UploadPart")
        || op.equals("CreateBucket");
  }

  static boolean free(String op) {
    return op.startsWith("Delete");
  }

  static void main(String[] a) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path run = Path.of(a[0]);
    Path out = Path.of(a[1]);
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(run.resolve("meta.properties"))) {
      meta.load(in);
    }
    List<String[]> requests = new ArrayList<>();
    Path reqFile = run.resolve("requests.tsv");
    if (Files.exists(reqFile)) {
      for (String l : Files.readAllLines(reqFile)) {
        String[] f = l.split("\t");
        if (f.length == 5) {
          requests.add(f);
        }
      }
    }
    Report r = new Report(Row.read(run.resolve("results.tsv")), meta, requests);
    List<Line> lines = r.lines();
    Files.createDirectories(out.resolve("charts"));
    Files.createDirectories(out.resolve("results"));
    Files.writeString(out.resolve("RESULTS.md"), r.markdown(lines));
    String stamp = meta.getProperty("stamp", "run");
    Path json = out.resolve("results").resolve(stamp + ".json");
    r.json(lines, json);
    Charts.write(lines, r.ceilings(), r.rows, out.resolve("charts"));
    System.err.println("report: " + out.resolve("RESULTS.md") + ", " + json);
  }

  // ---- figures ------------------------------------------------------------------------------

  private static final String[][] SYNC_STEPS = {
    {"backup-first", "first sync"},
    {"backup-nochange", "no-change re-sync"},
    {"backup-changed", "1 % changed"},
    {"restore", "restore (download)"},
  };
  private static final String[][] KOPIA_STEPS = {
    {"create", "repository create"},
    {"backup-first", "first backup"},
    {"backup-nochange", "no-change backup"},
    {"backup-changed", "1 % changed"},
    {"restore", "restore"},
  };

  List<Line> lines() {
    List<Line> out = new ArrayList<>();
    String eq = meta.getProperty("sync_equal_parallelism", "4");
    for (String[] s : SYNC_STEPS) {
      out.add(
          line(
              "sync",
              s,
              "equal parallelism: ours " + eq + ", rclone --transfers " + eq,
              "equal",
              "rclone"));
      out.add(
          line(
              "sync",
              s,
              "defaults: ours "
                  + meta.getProperty("sync_default_parallelism", "default")
                  + ", rclone's (--transfers 4 --checkers 8)",
              "default",
              "rclone"));
    }
    for (String[] s : KOPIA_STEPS) {
      out.add(line("kopia", s, "defaults: ours, restic", "default", "restic"));
    }
    out.removeIf(l -> l.oursCold() == null && l.oursFirstResident() == null);
    return out;
  }

  private Line line(String bench, String[] step, String pairing, String variant, String peer) {
    Predicate<Row> base = r -> r.bench().equals(bench) && r.step().equals(step[0]);
    Predicate<Row> cold =
        base.and(r -> r.tool().equals("ours") && r.mode().equals("cold-" + variant));
    Predicate<Row> res =
        base.and(r -> r.tool().equals("ours") && r.mode().equals("resident-" + variant));
    Predicate<Row> peerRows = base.and(r -> r.tool().equals(peer));
    return new Line(
        bench,
        step[1],
        pairing,
        peer,
        median(cold, Row::seconds),
        median(res.and(r -> r.rep() == 1), Row::seconds),
        median(res.and(r -> r.rep() > 1), Row::seconds),
        median(peerRows, Row::seconds),
        median(cold, Row::cpu),
        median(peerRows, Row::cpu),
        maxRss(cold),
        maxRss(res),
        maxRss(peerRows),
        ceiling(bench, step[0]));
  }

  private Double median(Predicate<Row> p, ToDoubleFunction<Row> f) {
    double[] xs = rows.stream().filter(p).mapToDouble(f).sorted().toArray();
    if (xs.length == 0) {
      return null;
    }
    return xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
  }

  private Long maxRss(Predicate<Row> p) {
    return rows.stream()
        .filter(p)
        .mapToLong(Row::rssKib)
        .filter(x -> x > 0)
        .boxed()
        .max(Long::compare)
        .orElse(null);
  }

  /** Ceilings by name: MB/s, and requests/s where the row counted requests. */
  Map<String, double[]> ceilings() {
    Map<String, double[]> c = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.bench().equals("ceiling")) {
        c.put(
            r.step(),
            new double[] {r.bytes() / 1e6 / r.seconds(), r.requests() / r.seconds(), r.seconds()});
      }
    }
    return c;
  }

  private double mbps(String name) {
    double[] v = ceilings().get(name);
    return v == null ? Double.NaN : v[0];
  }

  private double rps(String name) {
    double[] v = ceilings().get(name);
    return v == null ? Double.NaN : v[1];
  }

  /**
   * The step's time if it ran at this machine's ceilings (see RESULTS.md's notes): sync moves each
   * small file at the small-object request rate and the large bytes at the one-stream rate; kopia's
   * pipeline is bound by the slower of reading the data and the per-byte CPU of hash + compress +
   * encrypt (or decrypt + decompress + hash) spread over every core.
   */
  private Double ceiling(String bench, String step) {
    long smallFiles = longMeta("small_files");
    long smallBytes = longMeta("small_bytes");
    long bytes = longMeta("bytes");
    long largeBytes = bytes - smallBytes;
    int cores = (int) Math.max(1, longMeta("nproc"));
    double v;
    if (bench.equals("sync") && step.equals("backup-first")) {
      v = smallFiles / rps("S3 PUT small") + largeBytes / 1e6 / mbps("S3 PUT large");
    } else if (bench.equals("sync") && step.equals("restore")) {
      v = smallFiles / rps("S3 GET small") + largeBytes / 1e6 / mbps("S3 GET large");
    } else if (bench.equals("kopia") && step.equals("backup-first")) {
      double cpu =
          bytes
              / 1e6
              * (1 / mbps("HMAC-SHA256")
                  + 1 / mbps("zstd-3 compress")
                  + 1 / mbps("AES-256-GCM encrypt"))
              / cores;
      v = Math.max(bytes / 1e6 / mbps("disk read"), cpu);
    } else if (bench.equals("kopia") && step.equals("restore")) {
      v =
          bytes
              / 1e6
              * (1 / mbps("HMAC-SHA256")
                  + 1 / mbps("zstd-3 decompress")
                  + 1 / mbps("AES-256-GCM encrypt"))
              / cores;
    } else {
      return null;
    }
    return Double.isFinite(v) && v > 0 ? v : null;
  }

  private long longMeta(String key) {
    try {
      return Long.parseLong(meta.getProperty(key, "0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---- RESULTS.md ---------------------------------------------------------------------------

  String markdown(List<Line> lines) {
    StringBuilder b = new StringBuilder();
    b.append("# perf/run results\n\n");
    b.append(
        "Written by `perf/run` (do not edit by hand; the history is in `perf/results/*.json`).\n\n");
    b.append("| run | value |\n|---|---|\n");
    for (String k :
        List.of(
            "stamp",
            "git",
            "mode",
            "load_start",
            "load_end",
            "nproc",
            "mem_gib",
            "java",
            "ours_jvm_opts",
            "ours_cds",
            "rclone",
            "restic",
            "s3_kind",
            "dataset",
            "files",
            "bytes",
            "reps",
            "duration_s")) {
      if (meta.containsKey(k)) {
        b.append("| ").append(k).append(" | ").append(meta.getProperty(k)).append(" |\n");
      }
    }
    b.append(
        "\n**Ratios are throughput ours / peer (= peer seconds / our seconds): ≥ 1.0 means ours"
            + " is as fast or faster.** The headline is **cold**: our step in a fresh JVM (start-up"
            + " and JIT warm-up included), timed like the peer's process. \"1st resident\" is the"
            + " first time the one long-lived JVM (the agent service) ran the step — for the"
            + " restore, a JVM that had only run backups before. \"warm\" is the median of the"
            + " resident JVM's later repetitions. Seconds are medians over the repetitions; peak"
            + " RSS is the maximum (cold: the whole process, /usr/bin/time; resident: that step's"
            + " own high-water mark, reset before it). Figures taken at a load average above the"
            + " core count are not headline figures.\n\n");
    b.append(
        "| engine | step | pairing | ours cold s | ours 1st resident s | ours warm s | peer s |"
            + " ratio cold | ratio 1st resident | ratio warm | CPU-s ours cold / peer |"
            + " peak RSS MiB ours cold / resident / peer | RSS ours/peer (≤ 1.5) |"
            + " share of ceiling |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Line l : lines) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s vs %s | %s | %s | %s | %s | %s | %s | **%s** | %s | %s | %s / %s | %s / %s / %s"
                  + " | %s | %s |%n",
              l.bench(),
              l.peer(),
              l.step(),
              l.pairing(),
              s(l.oursCold()),
              s(l.oursFirstResident()),
              s(l.oursWarm()),
              s(l.peerSeconds()),
              x(l.ratio(l.oursCold())),
              x(l.ratio(l.oursFirstResident())),
              x(l.ratio(l.oursWarm())),
              s(l.oursCpu()),
              s(l.peerCpu()),
              mib(l.oursRssKib()),
              mib(l.oursResidentRssKib()),
              mib(l.peerRssKib()),
              x(l.rssRatio()),
              pct(l.ceilingShare())));
    }
    b.append(
        "\n**Restore in a JVM that has only run backups** (the resident JVM's first restore, after"
            + " its first, no-change and 1 % backups — a service that never restored before):\n\n");
    b.append("| engine | pairing | ours s | peer s | ratio |\n|---|---|---|---|---|\n");
    for (Line l : lines) {
      if (l.step().startsWith("restore") && l.oursFirstResident() != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s vs %s | %s | %s | %s | **%s** |%n",
                l.bench(),
                l.peer(),
                l.pairing(),
                s(l.oursFirstResident()),
                s(l.peerSeconds()),
                x(l.ratio(l.oursFirstResident()))));
      }
    }
    b.append("\n## Memory\n\n");
    rows.stream()
        .filter(r -> r.bench().equals("memory"))
        .forEach(
            r ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        "- %s (%s): %s MiB RSS%s%n",
                        r.step(),
                        r.mode().isBlank() || r.mode().equals("-") ? "JVM defaults" : r.mode(),
                        mib(r.rssKib()),
                        r.step().contains("idle")
                            ? (r.rssKib() <= 100 * 1024
                                ? " — target ≤ 100 MiB: met"
                                : " — target ≤ 100 MiB: MISSED")
                            : "")));
    if (rows.stream().anyMatch(r -> r.bench().equals("heap"))) {
      b.append(
          "\n## Kopia backup vs tree size (tiny files, local repository, ours' JVM options)\n\n");
      b.append(
          "| files | first backup s | no-change s | live heap after GC MiB | VmHWM MiB |\n"
              + "|---|---|---|---|---|\n");
      for (Row f : rows) {
        if (f.bench().equals("heap") && f.step().equals("first backup")) {
          Row nc = heapRow("no-change backup", f.requests());
          Row live = heapRow("live heap after GC", f.requests());
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %,d | %.1f | %s | %s | %s |%n",
                  f.requests(),
                  f.seconds(),
                  nc == null ? "–" : String.format(Locale.ROOT, "%.1f", nc.seconds()),
                  live == null ? "–" : mib(live.rssKib()),
                  mib(f.rssKib())));
        }
      }
      b.append("\n![heap vs tree size](charts/heap.png)\n");
    }
    pollSection(b);
    jmhSection(b);
    costModel(b);
    b.append("\n## Ceilings on this machine, same sitting\n\n");
    b.append("| ceiling | how | MB/s | requests/s |\n|---|---|---|---|\n");
    for (Row r : rows) {
      if (r.bench().equals("ceiling")) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.1f | %s |%n",
                r.step(),
                r.mode(),
                r.bytes() / 1e6 / r.seconds(),
                r.requests() > 0
                    ? String.format(Locale.ROOT, "%.0f", r.requests() / r.seconds())
                    : "–"));
      }
    }
    b.append(
        "\nShare of ceiling = the step's time at these ceilings / our cold time. Sync first"
            + " sync: each file under 1 MiB at the small-object PUT rate (8 threads) plus the"
            + " other bytes at the one-stream PUT rate; sync restore: the same with GET. Kopia"
            + " first backup: the slower of reading the dataset and HMAC-SHA256 (the hash of new"
            + " repositories) + zstd + AES-GCM per byte over all cores; kopia restore: AES-GCM +"
            + " zstd decompress + HMAC-SHA256 per byte over all cores. BLAKE2b is shown for"
            + " repositories made by Kopia itself. Other steps are bound by scanning metadata and have no ceiling"
            + " row.\n\n");
    b.append("## Charts\n\n");
    b.append("![ratios](charts/ratios.png)\n\n![peak RSS](charts/rss.png)\n\n");
    b.append("![ceilings](charts/ceilings.png)\n");
    b.append("\nEvery measured row is in the JSON record `results/")
        .append(meta.getProperty("stamp", "run"))
        .append(".json`.\n");
    return b.toString();
  }

  /**
   * S3 requests per step of our engines at their defaults, first repetition, as counted on the
   * client (every HTTP attempt), and what they would cost at a typical per-request price.
   */
  private void costModel(StringBuilder b) {
    List<String[]> shown = new ArrayList<>();
    for (String[] f : requests) {
      boolean defaults = f[2].equals("cold-default");
      if (defaults && f[3].equals("1")) {
        shown.add(f);
      }
    }
    if (shown.isEmpty()) {
      return;
    }
    b.append("\n## S3 requests per step (ours, defaults, dataset ")
        .append(meta.getProperty("dataset", "?"))
        .append(") and their cost\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Counted on our client, each HTTP attempt (retries included). Cost at AWS S3"
                + " Standard list prices as a typical price: $%.4f per 1,000 PUT/COPY/POST/LIST"
                + " (class A), $%.4f per 1,000 GET/HEAD (class B), DELETE free; storage and"
                + " transfer not included. Many S3-compatible providers bill no requests.%n%n",
            CLASS_A_PER_1000,
            CLASS_B_PER_1000));
    b.append("| engine | step | requests by operation | class A | class B | USD per run |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (String[] f : shown) {
      long a = 0;
      long bb = 0;
      for (String kv : f[4].split(",")) {
        int eq = kv.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String op = kv.substring(0, eq);
        long n = Long.parseLong(kv.substring(eq + 1));
        if (classA(op)) {
          a += n;
        } else if (!free(op)) {
          bb += n;
        }
      }
      double usd = a * CLASS_A_PER_1000 / 1000 + bb * CLASS_B_PER_1000 / 1000;
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %,d | %,d | %.5f |%n",
              f[0],
              f[1],
              f[4].replace(",", ", "),
              a,
              bb,
              usd));
    }
  }

  /** JMH micro-benchmarks (perf/run --only jmh): one thread, MB/s of the bytes per operation. */
  private void jmhSection(StringBuilder b) {
    List<Row> jmh = rows.stream().filter(r -> r.bench().equals("jmh")).toList();
    if (jmh.isEmpty()) {
      return;
    }
    b.append("\n## JMH micro-benchmarks (one thread, `perf/run --only jmh`)\n\n");
    b.append("| benchmark | bytes per op | time per op | MB/s | how |\n|---|---|---|---|---|\n");
    for (Row r : jmh) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.3f ms | %.1f | %s |%n",
              r.step(),
              r.bytes(),
              r.seconds() * 1000,
              r.bytes() / 1e6 / r.seconds(),
              r.mode()));
    }
  }

  /** The addon's latency under N polling agents (perf/poll-bench.sh), p99 < 50 ms the target. */
  private void pollSection(StringBuilder b) {
    List<Row> poll = rows.stream().filter(r -> r.bench().equals("poll")).toList();
    if (poll.isEmpty()) {
      return;
    }
    b.append("\n## The addon under N polling agents (every agent polls twice per 5 s)\n\n");
    b.append("| database | agents | endpoint latency | ms | target |\n|---|---|---|---|---|\n");
    for (Row r : poll) {
      boolean p99 = r.step().endsWith("p99");
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %.1f | %s |%n",
              r.mode(),
              r.rep(),
              r.step(),
              r.seconds() * 1000,
              p99 ? (r.seconds() * 1000 < 50 ? "p99 < 50 ms: met" : "p99 < 50 ms: MISSED") : ""));
    }
    b.append("\n![addon latency vs agents](charts/poll.png)\n");
  }

  private Row heapRow(String step, long files) {
    return rows.stream()
        .filter(r -> r.bench().equals("heap") && r.step().equals(step) && r.requests() == files)
        .findFirst()
        .orElse(null);
  }

  private static String s(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String x(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.2f×", v);
  }

  private static String pct(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
  }

  private static String mib(Long kib) {
    return kib == null ? "–" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
  }

  // ---- JSON ---------------------------------------------------------------------------------

  private void json(List<Line> lines, Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("meta", new TreeMap<>(meta));
    List<Map<String, Object>> summary = new ArrayList<>();
    for (Line l : lines) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("engine", l.bench());
      m.put("peer", l.peer());
      m.put("step", l.step());
      m.put("pairing", l.pairing());
      m.put("ours_cold_s", l.oursCold());
      m.put("ours_first_resident_s", l.oursFirstResident());
      m.put("ours_warm_s", l.oursWarm());
      m.put("peer_s", l.peerSeconds());
      m.put("ratio_cold", l.ratio(l.oursCold()));
      m.put("ratio_first_resident", l.ratio(l.oursFirstResident()));
      m.put("ratio_warm", l.ratio(l.oursWarm()));
      m.put("ours_cpu_s", l.oursCpu());
      m.put("peer_cpu_s", l.peerCpu());
      m.put("ours_peak_rss_kib", l.oursRssKib());
      m.put("ours_resident_peak_rss_kib", l.oursResidentRssKib());
      m.put("peer_peak_rss_kib", l.peerRssKib());
      m.put("ceiling_s", l.ceilingSeconds());
      m.put("ceiling_share", l.ceilingShare());
      summary.add(m);
    }
    root.put("summary", summary);
    root.put("rows", rows);
    List<Map<String, String>> req = new ArrayList<>();
    for (String[] f : requests) {
      req.add(Map.of("engine", f[0], "step", f[1], "mode", f[2], "rep", f[3], "requests", f[4]));
    }
    root.put("requests", req);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
  }
}
