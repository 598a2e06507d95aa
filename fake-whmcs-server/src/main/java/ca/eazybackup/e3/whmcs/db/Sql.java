package ca.eazybackup.e3.whmcs.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Plain JDBC on one connection: positional parameters, rows as {@link Row}. Instants are stored as
 * UTC DATETIME(3) (both databases), booleans as 0/1.
 */
public final class Sql {
  private final Connection connection;

  Sql(Connection connection) {
    this.connection = connection;
  }

  public List<Row> query(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
          labels[i] = md.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
        }
        List<Row> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> m = new HashMap<>(n * 2);
          for (int i = 0; i < n; i++) {
            Object v = rs.getObject(i + 1);
            if (v instanceof java.sql.Clob c) {
              v = c.getSubString(1, (int) c.length());
            }
            m.put(labels[i], v);
          }
          rows.add(new Row(m));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new DbException("query failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  public Optional<Row> one(String sql, Object... args) {
    List<Row> rows = query(sql, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  public long count(String sql, Object... args) {
    return one(sql, args).map(r -> r.lng(r.values().keySet().iterator().next(), 0)).orElse(0L);
  }

  public int update(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new DbException("update failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** Like {@link #update} but a unique-key violation returns false instead of failing. */
  public boolean insertIgnoringDuplicate(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate() > 0;
    } catch (SQLIntegrityConstraintViolationException e) {
      return false;
    } catch (SQLException e) {
      if ("23000".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
        return false;
      }
      throw new DbException("insert failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** Inserts one row and returns its generated id. */
  public long insert(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, args);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new DbException("insert returned no id: " + sql, null);
        }
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new DbException("insert failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** The database representation of an instant: UTC, millisecond precision. */
  public static LocalDateTime dbTime(Instant t) {
    return LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof java.sql.Timestamp t) {
        ps.setObject(i + 1, t.toLocalDateTime());
      } else if (a instanceof Instant t) {
        ps.setObject(i + 1, dbTime(t));
      } else if (a instanceof Boolean b) {
        ps.setInt(i + 1, b ? 1 : 0);
      } else if (a instanceof Enum<?> e) {
        ps.setString(i + 1, e.name().toLowerCase(Locale.ROOT));
      } else {
        ps.setObject(i + 1, a);
      }
    }
  }
}
