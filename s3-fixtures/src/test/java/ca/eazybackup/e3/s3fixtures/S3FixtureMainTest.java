package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3FixtureMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return S3FixtureMain.run(
        args,
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void treeWritesTheTreeAndAChecksumListSha256sumCanCheck(@TempDir Path tmp) throws Exception {
    int code =
        run(
            "tree",
            "small",
            "5",
            tmp.resolve("t").toString(),
            "--sha256sums",
            tmp.resolve("sums").toString());

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("spec=small", "seed=5", "files=");
    List<String> sums = Files.readAllLines(tmp.resolve("sums"));
    TreeManifest m = TreeManifest.scan(tmp.resolve("t"));
    assertThat(sums).hasSize(m.fileCount());
    assertThat(sums.get(0)).matches("[0-9a-f]{64}  .+");
  }

  @Test
  void startPrintsTheConnectionAsEnvLinesAndStopsWhenStdinCloses() {
    int code = run("start", "s3proxy", "--bucket", "bench");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .anyMatch(l -> l.matches("S3_ENDPOINT=http://127\\.0\\.0\\.1:\\d+"))
        .anyMatch(l -> l.matches("S3_ACCESS_KEY=\\S+"))
        .anyMatch(l -> l.matches("S3_SECRET_KEY=\\S+"))
        .anyMatch(l -> l.equals("S3_REGION=us-east-1"))
        .anyMatch(l -> l.equals("S3_FIXTURE=s3proxy"));
  }

  @Test
  void unknownCommandsAndSpecsAreUsageErrors() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run("tree", "huge", "1", "/tmp/never")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown tree spec 'huge'");
  }
}
