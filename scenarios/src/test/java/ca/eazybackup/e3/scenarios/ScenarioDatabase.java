package ca.eazybackup.e3.scenarios;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The addon's database for a scenario run: in-memory H2 by default, or with {@code
 * -Daddon.db=mariadb} a fresh database on the local MariaDB (127.0.0.1:3306, or {@code
 * -De3.test.mariadb=jdbc:mariadb://…/?user=…}), dropped at the end. A MariaDB that does not answer
 * fails the run: it was asked for.
 */
final class ScenarioDatabase {
  private static final String LOCAL = "jdbc:mariadb://127.0.0.1:3306/?user=root";
  private final String adminUrl;
  private final String name;

  private ScenarioDatabase(String adminUrl, String name) {
    this.adminUrl = adminUrl;
    this.name = name;
  }

  /** Which database the addon runs on: {@code h2} or {@code mariadb}. */
  static String kind() {
    return System.getProperty("addon.db", "h2").trim().toLowerCase(java.util.Locale.ROOT);
  }

  /** Null for H2 (the addon makes a private in-memory one). */
  static ScenarioDatabase create() {
    switch (kind()) {
      case "h2", "" -> {
        return null;
      }
      case "mariadb" -> {
        String admin = System.getProperty("e3.test.mariadb", LOCAL);
        String db = "e3scen_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(admin);
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
          throw new IllegalStateException(
              "-Daddon.db=mariadb, but MariaDB at " + admin + " refused: " + e.getMessage(), e);
        }
        return new ScenarioDatabase(admin, db);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown -Daddon.db=" + kind() + ": use h2 (default) or mariadb");
    }
  }

  String jdbcUrl() {
    int q = adminUrl.indexOf('?');
    String head = q < 0 ? adminUrl : adminUrl.substring(0, q);
    String query = q < 0 ? "" : adminUrl.substring(q);
    int slash = head.indexOf('/', "jdbc:mariadb://".length());
    return (slash < 0 ? head : head.substring(0, slash)) + "/" + name + query;
  }

  void drop() {
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
    } catch (SQLException e) {
      // best effort: a leftover scenario schema harms nobody
    }
  }
}
