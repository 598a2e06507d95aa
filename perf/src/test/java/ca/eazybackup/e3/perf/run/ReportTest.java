package ca.eazybackup.e3.perf.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perf/run's report from a hand-made run: ratios, RSS, cost model, JSON and charts. */
class ReportTest {
  @TempDir Path dir;

  @Test
  void writesRatiosCeilingSharesRequestCostsJsonAndCharts() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(
        run.resolve("meta.properties"),
        "stamp=T1\nload_start=1.0\nnproc=2\nbytes=100000000\nsmall_files=1000\n"
            + "small_bytes=10000000\nsync_equal_parallelism=4\n");
    Files.writeString(
        run.resolve("results.tsv"),
        String.join(
            "\n",
            "sync\trestore\tdefaults\trclone\t1\t10.0\t9.0\t102400\t100000000\t0",
            "sync\trestore\tcold-default\tours\t1\t20.0\t15.0\t307200\t100000000\t1090",
            "sync\trestore\tresident-default\tours\t1\t12.5\t11.0\t204800\t100000000\t1090",
            "sync\trestore\tresident-default\tours\t2\t8.0\t7.0\t204800\t100000000\t1090",
            "ceiling\tS3 GET small\t1000 x 8 KiB\tjvm\t1\t1.0\t1.0\t0\t8192000\t1000",
            "ceiling\tS3 GET large\t200 MiB object\tjvm\t1\t0.25\t0.1\t0\t90000000\t1",
            "memory\tidle RSS of the resident kopia JVM\t-Xmx1g\tours\t1\t0\t0\t81920\t0\t0",
            ""));
    Files.writeString(
        run.resolve("requests.tsv"),
        "sync\trestore\tcold-default\t1\tGetObject(direct)=1000,ListObjectsV2=2\n");
    Path out = dir.resolve("out");

    Report.main(new String[] {run.toString(), out.toString()});

    String md = Files.readString(out.resolve("RESULTS.md"));
    // peer 10 s / ours cold 20 s; 1st resident 12.5 s; warm 8 s
    assertThat(md).contains("**0.50×**").contains("0.80×").contains("1.25×");
    // RSS ours 300 MiB / rclone 100 MiB; ceiling 1000 / 1000 rps + 90 MB / 360 MB/s = 1.25 s of 20
    assertThat(md).contains("300 / 200 / 100").contains("3.00×").contains("6 %");
    assertThat(md).contains("80 MiB RSS — target ≤ 100 MiB: met");
    // 2 LIST (class A) and 1,000 GET (class B): 2 × 0.005/1000 + 1000 × 0.0004/1000
    assertThat(md).contains("| 2 | 1,000 | 0.00041 |");
    assertThat(out.resolve("results/T1.json")).content().contains("\"ratio_cold\" : 0.5");
    assertThat(out.resolve("charts/ratios.png")).isNotEmptyFile();
    assertThat(out.resolve("charts/rss.png")).isNotEmptyFile();
  }
}
