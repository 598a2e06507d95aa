package ca.eazybackup.e3.whmcs.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agents whose credentials the database confirmed recently, keyed by agent id and holding only a
 * SHA-256 digest of the token: thousands of agents poll every few seconds, and re-reading the
 * agents row on every poll was a third of a poll's cost. An entry lives at most {@link #TTL}, so a
 * change made outside this server (another WHMCS writer on a shared MariaDB) takes effect within
 * that time; a change made here calls {@link #forget} and takes effect at once.
 */
final class VerifiedAgents {
  static final Duration TTL = Duration.ofSeconds(60);
  private static final int MAX_ENTRIES = 200_000;

  /** What a poll needs to know about a verified agent. */
  static final class Entry {
    final long clientId;
    private final byte[] tokenDigest;
    private final long verifiedAtNanos;

    /** last_seen_at as this server last wrote or read it. */
    volatile Instant lastSeen;

    /** The hostname the agents row holds. */
    volatile String hostname;

    Entry(long clientId, byte[] tokenDigest, Instant lastSeen, String hostname) {
      this.clientId = clientId;
      this.tokenDigest = tokenDigest;
      this.verifiedAtNanos = System.nanoTime();
      this.lastSeen = lastSeen;
      this.hostname = hostname;
    }
  }

  private final ConcurrentHashMap<Long, Entry> byId = new ConcurrentHashMap<>();
  private final AtomicLong forgets = new AtomicLong();

  /** The entry if the agent was verified with this token digest less than the TTL ago. */
  Entry get(long agentId, byte[] tokenDigest) {
    Entry e = byId.get(agentId);
    if (e == null
        || System.nanoTime() - e.verifiedAtNanos > TTL.toNanos()
        || !MessageDigest.isEqual(e.tokenDigest, tokenDigest)) {
      return null;
    }
    return e;
  }

  /** The entry of an agent whatever its age (for the hostname check of an authenticated call). */
  Entry peek(long agentId) {
    return byId.get(agentId);
  }

  /** A marker to take before reading the agents row that {@link #put} is based on. */
  long generation() {
    return forgets.get();
  }

  /**
   * Remembers a verification read from the database after {@code generation} was taken; dropped
   * again if a {@link #forget} ran meanwhile, since the row read may predate that change.
   */
  void put(long agentId, Entry e, long generation) {
    if (byId.size() >= MAX_ENTRIES) {
      byId.clear();
    }
    byId.put(agentId, e);
    if (forgets.get() != generation) {
      byId.remove(agentId, e);
    }
  }

  /** The agent's row changed (revoked, new token): the next call reads it again. */
  void forget(long agentId) {
    forgets.incrementAndGet();
    byId.remove(agentId);
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
