package ca.eazybackup.e3.perf.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;

/** The PNG charts of a run (JFreeChart, headless). */
final class Charts {
  private Charts() {}

  static void write(
      List<Report.Line> lines, Map<String, double[]> ceilings, List<Row> rows, Path dir)
      throws IOException {
    DefaultCategoryDataset ratios = new DefaultCategoryDataset();
    DefaultCategoryDataset rss = new DefaultCategoryDataset();
    for (Report.Line l : lines) {
      String cat = label(l);
      put(ratios, l.ratio(l.oursCold()), "cold (fresh JVM): headline", cat);
      put(ratios, l.ratio(l.oursFirstResident()), "1st in resident JVM", cat);
      put(ratios, l.ratio(l.oursWarm()), "warm", cat);
      put(rss, mib(l.oursRssKib()), "ours, cold", cat);
      put(rss, mib(l.oursResidentRssKib()), "ours, resident", cat);
      put(rss, mib(l.peerRssKib()), "peer", cat);
    }
    JFreeChart ratioChart =
        bars("Throughput ours / peer (≥ 1.0: ours as fast or faster)", "ratio", ratios);
    ValueMarker one = new ValueMarker(1.0, Color.RED, new BasicStroke(1.5f));
    ratioChart.getCategoryPlot().addRangeMarker(one);
    save(ratioChart, dir.resolve("ratios.png"), lines.size());
    JFreeChart m = bars("Peak RSS of each step (MiB)", "MiB", rss);
    save(m, dir.resolve("rss.png"), lines.size());
    DefaultCategoryDataset c = new DefaultCategoryDataset();
    ceilings.forEach((name, v) -> c.addValue(v[0], "MB/s", name));
    save(bars("Ceilings on this machine (MB/s)", "MB/s", c), dir.resolve("ceilings.png"), 10);
    DefaultCategoryDataset heap = new DefaultCategoryDataset();
    for (Row r : rows) {
      if (r.bench().equals("heap")) {
        String files = String.format(java.util.Locale.ROOT, "%,d files", r.requests());
        switch (r.step()) {
          case "first backup" -> {
            heap.addValue(r.seconds(), "first backup s", files);
            heap.addValue(r.rssKib() / 1024.0, "VmHWM MiB", files);
          }
          case "live heap after GC" -> heap.addValue(r.rssKib() / 1024.0, "live heap MiB", files);
          default -> {}
        }
      }
    }
    DefaultCategoryDataset poll = new DefaultCategoryDataset();
    for (Row r : rows) {
      if (r.bench().equals("poll")) {
        poll.addValue(
            r.seconds() * 1000,
            r.step() + " (" + r.mode() + ")",
            String.format(java.util.Locale.ROOT, "%,d agents", r.rep()));
      }
    }
    if (poll.getRowCount() > 0) {
      JFreeChart chart = bars("Addon latency vs polling agents (ms; target p99 < 50)", "ms", poll);
      chart.getCategoryPlot().addRangeMarker(new ValueMarker(50, Color.RED, new BasicStroke(1.5f)));
      save(chart, dir.resolve("poll.png"), poll.getColumnCount());
    }
    if (heap.getRowCount() > 0) {
      save(
          bars("Kopia backup vs tree size: time and memory", "s / MiB", heap),
          dir.resolve("heap.png"),
          heap.getColumnCount());
    }
  }

  private static String label(Report.Line l) {
    String pairing = l.pairing().startsWith("equal") ? "equal par." : "defaults";
    return l.bench() + ": " + l.step() + (l.bench().equals("sync") ? " (" + pairing + ")" : "");
  }

  private static void put(DefaultCategoryDataset d, Double v, String series, String cat) {
    if (v != null) {
      d.addValue(v, series, cat);
    }
  }

  private static Double mib(Long kib) {
    return kib == null ? null : kib / 1024.0;
  }

  private static JFreeChart bars(String title, String axis, DefaultCategoryDataset d) {
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, axis, d, PlotOrientation.VERTICAL, true, false, false);
    chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setRangeGridlinePaint(Color.GRAY);
    return chart;
  }

  private static void save(JFreeChart chart, Path file, int categories) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, Math.max(800, 60 * categories), 600);
  }
}
