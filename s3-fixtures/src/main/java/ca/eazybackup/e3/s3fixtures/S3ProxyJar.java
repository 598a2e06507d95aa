package ca.eazybackup.e3.s3fixtures;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds S3Proxy's jar-with-dependencies, which runs in its own JVM. */
final class S3ProxyJar {
  static final String VERSION = "2.6.0";
  static final String PROPERTY = "e3.s3proxy.jar";
  static final String ENV = "E3_S3PROXY_JAR";

  private S3ProxyJar() {}

  static Path locate() {
    return locate(System.getProperties()::getProperty, System.getenv());
  }

  /**
   * In order: {@code -De3.s3proxy.jar}, {@code $E3_S3PROXY_JAR}, the copy the s3-fixtures build
   * puts next to its classes ({@code target/s3proxy/s3proxy.jar}), the local Maven repository.
   */
  static Path locate(java.util.function.Function<String, String> props, Map<String, String> env) {
    String explicit = props.apply(PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return mustExist(Path.of(explicit), "-D" + PROPERTY);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return mustExist(Path.of(fromEnv), ENV);
    }
    List<Path> tried = new ArrayList<>();
    Optional<Path> besideClasses = besideOurClasses();
    if (besideClasses.isPresent()) {
      tried.add(besideClasses.get());
      if (Files.isRegularFile(besideClasses.get())) {
        return besideClasses.get();
      }
    }
    Path m2 = mavenRepository(props).resolve(relativeRepoPath());
    tried.add(m2);
    if (Files.isRegularFile(m2)) {
      return m2;
    }
    throw new S3FixtureException(
        "S3Proxy "
            + VERSION
            + " jar not found (looked at "
            + tried
            + "). Fetch it with: ./mvnw -B dependency:get"
            + " -Dartifact=org.gaul:s3proxy:"
            + VERSION
            + ":jar:jar-with-dependencies"
            + " (or build s3-fixtures), or point -D"
            + PROPERTY
            + " / $"
            + ENV
            + " at the jar");
  }

  private static Path mustExist(Path jar, String source) {
    if (!Files.isRegularFile(jar)) {
      throw new S3FixtureException(source + " points at " + jar + ", which is not a file");
    }
    return jar;
  }

  private static Path mavenRepository(java.util.function.Function<String, String> props) {
    String local = props.apply("maven.repo.local");
    if (local != null && !local.isBlank()) {
      return Path.of(local);
    }
    return Path.of(props.apply("user.home"), ".m2", "repository");
  }

  private static Path relativeRepoPath() {
    return Path.of(
        "org", "gaul", "s3proxy", VERSION, "s3proxy-" + VERSION + "-jar-with-dependencies.jar");
  }

  /** target/classes or target/s3-fixtures-*.jar → target/s3proxy/s3proxy.jar. */
  private static Optional<Path> besideOurClasses() {
    try {
      CodeSource source = S3ProxyJar.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return Optional.empty();
      }
      Path target = Path.of(source.getLocation().toURI()).getParent();
      return target == null
          ? Optional.empty()
          : Optional.of(target.resolve("s3proxy").resolve("s3proxy.jar"));
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }
}
