package ca.eazybackup.e3.perf.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result ({@code -rf json}) into perf/run's results.tsv rows: bench {@code jmh},
 * step = benchmark and parameters, seconds = the average time per operation, bytes = the bytes one
 * operation processes (the benchmark class's {@code BYTES}), so that the report shows MB/s; the
 * mode column carries JMH's 99.9 % error as a share of the score.
 */
public final class JmhRows {
  private JmhRows() {}

  public static void main(String[] a) throws Exception {
    List<String> rows = rows(Path.of(a[0]));
    if (rows.isEmpty()) {
      throw new IOException("no JMH results in " + a[0]);
    }
    Files.write(
        Path.of(a[1]),
        rows,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  static List<String> rows(Path json) throws IOException, ReflectiveOperationException {
    List<String> out = new ArrayList<>();
    for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
      String benchmark = b.path("benchmark").asText(); // pkg.Class.method
      String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
      StringBuilder step =
          new StringBuilder(benchmark.substring(cls.lastIndexOf('.') + 1).replace("Bench.", " "));
      for (Map.Entry<String, JsonNode> p : b.path("params").properties()) {
        step.append(' ').append(p.getValue().asText());
      }
      JsonNode m = b.path("primaryMetric");
      double score = m.path("score").asDouble();
      double error = m.path("scoreError").asDouble();
      double seconds = score * secondsPer(m.path("scoreUnit").asText());
      long bytes = Class.forName(cls).getField("BYTES").getLong(null);
      String mode =
          String.format(
              Locale.ROOT,
              "JMH %s, %d fork(s), %d×%s, ±%.1f %%",
              b.path("mode").asText(),
              b.path("forks").asInt(),
              b.path("measurementIterations").asInt(),
              b.path("measurementTime").asText(),
              score > 0 && Double.isFinite(error) ? 100 * error / score : 0.0);
      out.add(
          String.join(
              "\t",
              "jmh",
              step.toString(),
              mode,
              "ours",
              "1",
              String.format(Locale.ROOT, "%.9f", seconds),
              "0",
              "0",
              Long.toString(bytes),
              "0"));
    }
    return out;
  }

  private static double secondsPer(String unit) {
    return switch (unit) {
      case "s/op" -> 1;
      case "ms/op" -> 1e-3;
      case "us/op" -> 1e-6;
      case "ns/op" -> 1e-9;
      default -> throw new IllegalArgumentException("JMH unit " + unit + ": want avgt time/op");
    };
  }
}
