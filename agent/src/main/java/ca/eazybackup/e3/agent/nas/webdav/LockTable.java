package ca.eazybackup.e3.agent.nas.webdav;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * WebDAV write locks of one volume (RFC 4918 §6-7), in memory: locks end with the process, as they
 * do in every WebDAV server that has no shared store, and a client simply locks again. Exclusive
 * and shared write locks, depth 0 or infinity, lock-null resources (a LOCK on an unmapped URL
 * creates an empty file, §7.3), timeouts capped at a week.
 */
final class LockTable {
  static final long MAX_TIMEOUT_SECONDS = 7L * 24 * 3600;
  static final long DEFAULT_TIMEOUT_SECONDS = 3600;

  /** One granted lock; mutable only in its expiry. */
  static final class Lock {
    final String token;
    final String root;
    final boolean exclusive;
    final boolean deep;
    final String ownerXml;
    long timeoutSeconds;
    long expiresNanos;

    Lock(String token, String root, boolean exclusive, boolean deep, String ownerXml) {
      this.token = token;
      this.root = root;
      this.exclusive = exclusive;
      this.deep = deep;
      this.ownerXml = ownerXml;
    }

    /** Whether this lock covers the resource at {@code path} itself. */
    boolean covers(String path) {
      return root.equals(path) || (deep && DavPaths.isWithin(path, root));
    }
  }

  /** The conflicting lock that made a LOCK fail. */
  static final class ConflictException extends Exception {
    private static final long serialVersionUID = 1L;
    final String root;

    ConflictException(String root) {
      super("locked: /" + root);
      this.root = root;
    }
  }

  private final Map<String, Lock> byToken = new LinkedHashMap<>();
  private final LongSupplier nanos;

  LockTable(LongSupplier nanos) {
    this.nanos = nanos;
  }

  LockTable() {
    this(System::nanoTime);
  }

  /** Locks that cover {@code path} itself. */
  synchronized List<Lock> covering(String path) {
    expire();
    List<Lock> out = new ArrayList<>();
    for (Lock l : byToken.values()) {
      if (l.covers(path)) {
        out.add(l);
      }
    }
    return out;
  }

  /** Locks rooted strictly below {@code path}. */
  synchronized List<Lock> below(String path) {
    expire();
    List<Lock> out = new ArrayList<>();
    for (Lock l : byToken.values()) {
      if (!l.root.equals(path) && DavPaths.isWithin(l.root, path)) {
        out.add(l);
      }
    }
    return out;
  }

  synchronized Lock byToken(String token) {
    expire();
    return byToken.get(token);
  }

  /**
   * Grants a lock on {@code path}, or throws naming a conflicting one: an exclusive lock conflicts
   * with any other lock on the same resources, a shared one with exclusive locks only.
   */
  synchronized Lock lock(
      String path, boolean exclusive, boolean deep, String ownerXml, long timeoutSeconds)
      throws ConflictException {
    expire();
    for (Lock l : byToken.values()) {
      boolean overlaps =
          l.covers(path) || (deep && DavPaths.isWithin(l.root, path) && !l.root.equals(path));
      if (overlaps && (exclusive || l.exclusive)) {
        throw new ConflictException(l.root);
      }
    }
    Lock l = new Lock("opaquelocktoken:" + UUID.randomUUID(), path, exclusive, deep, ownerXml);
    setTimeout(l, timeoutSeconds);
    byToken.put(l.token, l);
    return l;
  }

  synchronized Lock refresh(String token, long timeoutSeconds) {
    expire();
    Lock l = byToken.get(token);
    if (l != null) {
      setTimeout(l, timeoutSeconds);
    }
    return l;
  }

  synchronized boolean unlock(String token) {
    return byToken.remove(token) != null;
  }

  /** Drops every lock rooted at or below {@code path} (the resource was deleted or moved away). */
  synchronized void removeWithin(String path) {
    byToken.values().removeIf(l -> DavPaths.isWithin(l.root, path));
  }

  private void setTimeout(Lock l, long timeoutSeconds) {
    long t =
        timeoutSeconds <= 0
            ? DEFAULT_TIMEOUT_SECONDS
            : Math.min(timeoutSeconds, MAX_TIMEOUT_SECONDS);
    l.timeoutSeconds = t;
    l.expiresNanos = nanos.getAsLong() + t * 1_000_000_000L;
  }

  private void expire() {
    long now = nanos.getAsLong();
    for (Iterator<Lock> it = byToken.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresNanos - now <= 0) {
        it.remove();
      }
    }
  }
}
