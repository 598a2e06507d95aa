package ca.eazybackup.e3.whmcs.db;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** One result row, column labels lower-cased, with getters that smooth over H2/MariaDB types. */
public record Row(Map<String, Object> values) {

  public Object get(String column) {
    return values.get(column);
  }

  public String str(String column) {
    Object v = values.get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Clob c) {
      try (Reader r = c.getCharacterStream()) {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[4096];
        int n;
        while ((n = r.read(buf)) > 0) {
          sb.append(buf, 0, n);
        }
        return sb.toString();
      } catch (SQLException e) {
        throw new DbException("cannot read text column " + column, e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (v instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    return v.toString();
  }

  public Long lng(String column) {
    Object v = values.get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    return Long.parseLong(v.toString());
  }

  public long lng(String column, long fallback) {
    Long v = lng(column);
    return v == null ? fallback : v;
  }

  public Double dbl(String column) {
    Object v = values.get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(v.toString());
  }

  public boolean bool(String column) {
    Object v = values.get(column);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.intValue() != 0;
    }
    return "1".equals(v.toString()) || "true".equalsIgnoreCase(v.toString());
  }

  public Instant time(String column) {
    Object v = values.get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof Timestamp t) {
      return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (v instanceof Instant t) {
      return t;
    }
    throw new DbException("column " + column + " is not a time: " + v.getClass(), null);
  }
}
