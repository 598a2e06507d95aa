package ca.eazybackup.e3.whmcs;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Fresh databases for tests: in-memory H2, or a new schema on the local MariaDB. */
final class TestDatabases {
  private static final String PROPERTY = "e3.test.mariadb";
  private static final String LOCAL = "jdbc:mariadb://127.0.0.1:3306/?user=root";

  private TestDatabases() {}

  static String h2() {
    return null; // ServerConfig's default: a fresh in-memory H2 per server
  }

  /**
   * Creates a uniquely named database on MariaDB and returns its URL. When no MariaDB answers, the
   * test class is aborted with the reason, except under CI ({@code CI=true}), which promises a
   * MariaDB: there a missing server fails the build instead of passing it as skipped.
   */
  static String freshMariaDb() {
    return freshMariaDb(System.getProperty(PROPERTY), System.getenv());
  }

  static String freshMariaDb(String configured, java.util.Map<String, String> env) {
    String admin = configured == null || configured.isBlank() ? LOCAL : configured;
    if ((configured == null || configured.isBlank()) && !answers("127.0.0.1", 3306)) {
      unavailable(env, "no MariaDB on 127.0.0.1:3306 and -D" + PROPERTY + " not set");
    }
    String name = "e3test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      unavailable(env, "MariaDB at " + admin + " refused CREATE DATABASE: " + e.getMessage());
    }
    return withDatabase(admin, name);
  }

  /** Whether this run promises a MariaDB (CI does: .ci/run sets CI=true). */
  static boolean required(java.util.Map<String, String> env) {
    return "true".equalsIgnoreCase(env.getOrDefault("CI", ""));
  }

  private static void unavailable(java.util.Map<String, String> env, String reason) {
    if (required(env)) {
      throw new IllegalStateException(
          "CI=true promises MariaDB for the …MariaDbTest suites, but " + reason);
    }
    Assumptions.abort(reason);
  }

  static void drop(String url) {
    if (url == null || !url.startsWith("jdbc:mariadb:")) {
      return;
    }
    String db = url.substring(url.indexOf("/e3test_") + 1, url.indexOf('?'));
    String admin = url.replace("/" + db + "?", "/?");
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db);
    } catch (SQLException e) {
      // best effort: a leftover test schema harms nobody
    }
  }

  private static String withDatabase(String adminUrl, String db) {
    int q = adminUrl.indexOf('?');
    String head = q < 0 ? adminUrl : adminUrl.substring(0, q);
    String query = q < 0 ? "" : adminUrl.substring(q);
    int slash = head.indexOf('/', "jdbc:mariadb://".length());
    String hostPart = slash < 0 ? head : head.substring(0, slash);
    return hostPart + "/" + db + query;
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
