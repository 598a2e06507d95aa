package ca.eazybackup.e3.whmcs.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.flywaydb.core.Flyway;

/**
 * The addon's database: a small connection pool, the versioned migrations (the same scripts on H2
 * in MySQL mode and on MariaDB), and one-statement helpers. Work that must see a consistent state
 * goes through {@link #tx}.
 */
public final class Db implements AutoCloseable {
  private final HikariDataSource pool;
  private final boolean inMemoryH2;

  private Db(HikariDataSource pool, boolean inMemoryH2) {
    this.pool = pool;
    this.inMemoryH2 = inMemoryH2;
  }

  /** Opens the pool and migrates the schema to the newest version. */
  public static Db open(String jdbcUrl) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setMaximumPoolSize(jdbcUrl.startsWith("jdbc:h2:") ? 16 : 24);
    hc.setMinimumIdle(2);
    hc.setPoolName("whmcs-db");
    hc.setConnectionTimeout(10_000);
    if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:")) {
      // Every session runs in UTC so DATETIME values mean the same on every server.
      hc.setConnectionInitSql("SET time_zone = '+00:00'");
      hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    }
    HikariDataSource ds = new HikariDataSource(hc);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Db(ds, jdbcUrl.startsWith("jdbc:h2:mem:"));
  }

  public <T> T tx(Function<Sql, T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(new Sql(c));
        c.commit();
        return result;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DbException("transaction failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** Runs single statements in auto-commit mode. */
  public <T> T auto(Function<Sql, T> work) {
    try (Connection c = pool.getConnection()) {
      return work.apply(new Sql(c));
    } catch (SQLException e) {
      throw new DbException("database unavailable (SQLState " + e.getSQLState() + ")", e);
    }
  }

  public List<Row> query(String sql, Object... args) {
    return auto(s -> s.query(sql, args));
  }

  public Optional<Row> one(String sql, Object... args) {
    return auto(s -> s.one(sql, args));
  }

  public int update(String sql, Object... args) {
    return auto(s -> s.update(sql, args));
  }

  public long insert(String sql, Object... args) {
    return auto(s -> s.insert(sql, args));
  }

  @Override
  public void close() {
    if (inMemoryH2) {
      // DB_CLOSE_DELAY=-1 keeps the database past its last connection; free it with the server.
      try (Connection c = pool.getConnection();
          var st = c.createStatement()) {
        st.execute("SHUTDOWN");
      } catch (SQLException e) {
        // already gone
      }
    }
    pool.close();
  }
}
