package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's {@code litmus}, the WebDAV compliance suite (basic, copymove, props, locks, http), run
 * whole against a served bucket: RFC 4918 to the letter, class 2 included.
 */
class LitmusTest {
  @TempDir Path tmp;

  /** Every cache mode: minimal and writes route opens and PUTs through the cache differently. */
  @ParameterizedTest
  @EnumSource(CacheMode.class)
  void litmusPassesWhole(CacheMode mode) throws Exception {
    DebianTools.require("litmus");
    String bucket = NasS3.newBucket("litmus");
    try (NasServer server = NasServer.start(0);
        ServedVolume v =
            server.serveBucket(
                NasS3.factory(),
                NasS3.target(),
                bucket,
                "",
                new NasOptions(mode, 0, 0, 0, false, tmp.resolve("cache")),
                NasEvents.none())) {
      Path out = tmp.resolve("litmus.out");
      // litmus writes debug.log and child.log into its working folder
      Process p =
          new ProcessBuilder("litmus", v.url().toString())
              .directory(tmp.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("litmus finished").isTrue();
      String report = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(report).as(report).doesNotContain("FAIL").contains("<- summary for `http'");
      assertThat(p.exitValue()).as(report).isZero();
    }
  }
}
