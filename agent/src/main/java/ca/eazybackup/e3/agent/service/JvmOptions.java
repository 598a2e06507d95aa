package ca.eazybackup.e3.agent.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options the agent runs with on a user's PC (heap cap, collector, heap give-back), kept in
 * one resource, {@code jvm-options.txt}, so that the service registration, the packaged runtime
 * (jlink {@code --add-options}), the simulation and perf/run all start the JVM the same way.
 * Without them the JVM sizes its heap from a quarter of the PC's RAM and keeps what it grew to.
 */
public final class JvmOptions {
  /** Where the options live, inside the agent jar. */
  public static final String RESOURCE = "ca/eazybackup/e3/agent/service/jvm-options.txt";

  private JvmOptions() {}

  /** The options, one per non-comment line of the resource. */
  public static List<String> agent() {
    try (InputStream in = JvmOptions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the agent's classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static List<String> parse(String text) {
    List<String> options = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        options.add(s);
      }
    }
    return List.copyOf(options);
  }
}
