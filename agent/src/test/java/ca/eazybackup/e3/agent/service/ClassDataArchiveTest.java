package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code service install} dumps: made from the class list beside a jar with a real
 * {@code -Xshare:dump}, mapped by a JVM running that jar, and never in a JVM's way when it cannot
 * be used (missing, or the jar changed since): that JVM runs without it and prints nothing about
 * it.
 */
class ClassDataArchiveTest {
  private static final String HELLO = Hello.class.getName().replace('.', '/');

  /** The jar's main class: one line on stdout, so anything else the JVM prints shows. */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello");
    }
  }

  @TempDir Path dir;

  @Test
  void aJarWithoutAnArchiveBesideItRunsWithoutTheOption() throws IOException {
    Path jar = jar();
    assertThat(ClassDataArchive.options(jar)).isEmpty();
    assertThat(ClassDataArchive.options(dir)).as("a class directory, not a jar").isEmpty();
    assertThat(ClassDataArchive.dump(java(), jar)).contains("no " + ClassDataArchive.CLASS_LIST);
    assertThat(ClassDataArchive.archiveOf(jar)).doesNotExist();
  }

  @Test
  void theArchiveDumpedFromTheClassListIsMappedByTheJvmRunningTheJar() throws Exception {
    Path jar = jar();
    Files.writeString(ClassDataArchive.classListOf(jar), HELLO + "\n");

    String result = ClassDataArchive.dump(java(), jar);

    assertThat(result).contains(ClassDataArchive.archiveOf(jar).toString());
    assertThat(ClassDataArchive.archiveOf(jar)).isRegularFile();
    assertThat(ClassDataArchive.options(jar))
        .containsExactly(
            "-XX:SharedArchiveFile=" + ClassDataArchive.archiveOf(jar), "-Xshare:auto");
    // -Xshare:on fails instead of running without the archive
    List<String> on = new ArrayList<>(List.of("-Xshare:on", "-Xlog:class+load=info"));
    on.add(0, ClassDataArchive.options(jar).get(0));
    assertThat(run(jar, on))
        .contains("hello")
        .containsPattern(java.util.regex.Pattern.quote(Hello.class.getName()) + " source: shared");
  }

  @Test
  void aStaleOrMissingArchiveIsSilentlyNotUsed() throws Exception {
    Path jar = jar();
    Files.writeString(ClassDataArchive.classListOf(jar), HELLO + "\n");
    ClassDataArchive.dump(java(), jar);
    List<String> options = ClassDataArchive.options(jar);

    // an upgrade replaced the jar: Java 17 refuses the archive for another modification time
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    assertThat(run(jar, options)).isEqualTo("hello");

    Files.delete(ClassDataArchive.archiveOf(jar));
    assertThat(run(jar, options)).isEqualTo("hello");
  }

  private Path jar() throws IOException {
    Path jar = dir.resolve("app").resolve("e3-backup-agent.jar");
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out);
        InputStream cls = Hello.class.getResourceAsStream("/" + HELLO + ".class")) {
      j.putNextEntry(new JarEntry(HELLO + ".class"));
      cls.transferTo(j);
      j.closeEntry();
    }
    return jar;
  }

  private static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Runs the jar's class with {@code options}; returns stdout (stderr apart), checks exit 0. */
  private static String run(Path jar, List<String> options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java().toString()));
    cmd.addAll(options);
    cmd.addAll(List.of("-cp", jar.toString(), Hello.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
