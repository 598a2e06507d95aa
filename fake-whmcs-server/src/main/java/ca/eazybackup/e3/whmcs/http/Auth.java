package ca.eazybackup.e3.whmcs.http;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who is calling. Agents: {@code X-Agent-ID} + {@code X-Agent-Token}. Clients: {@code
 * X-Client-Session} (stands in for the WHMCS session cookie). Admins: {@code X-Admin-Token}.
 */
public final class Auth {
  private static final Duration LAST_SEEN_RESOLUTION = Duration.ofSeconds(30);
  private final Db db;
  private final Clock clock;
  private final String adminToken;
  private final VerifiedAgents verified = new VerifiedAgents();

  public Auth(Db db, Clock clock, String adminToken) {
    this.db = db;
    this.clock = clock;
    this.adminToken = adminToken;
  }

  /** The authenticated agent. */
  public record Agent(long agentId, long clientId) {}

  public Agent agent(String idHeader, String tokenHeader) {
    if (idHeader == null || tokenHeader == null || tokenHeader.isEmpty()) {
      throw invalidAgent();
    }
    String idText = idHeader.trim();
    // ASCII digits only (Long.parseLong also reads other scripts' digits).
    if (idText.isEmpty()
        || idText.length() > 18
        || !idText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalidAgent();
    }
    long id = Long.parseLong(idText);
    byte[] digest = VerifiedAgents.digest(tokenHeader);
    VerifiedAgents.Entry known = verified.get(id, digest);
    if (known == null) {
      known = verify(id, tokenHeader, digest);
    }
    Instant now = clock.instant();
    Instant lastSeen = known.lastSeen;
    // Write last_seen_at at most every 30 s (agent_list's "online" means seen in 2 minutes):
    // thousands of agents poll every 5 s, and this UPDATE was a poll's most expensive statement.
    if (lastSeen == null
        || lastSeen.isBefore(now.minus(LAST_SEEN_RESOLUTION))
        || lastSeen.isAfter(now)) {
      db.update("UPDATE s3_cloudbackup_agents SET last_seen_at = ? WHERE id = ?", now, id);
      known.lastSeen = now;
    }
    return new Agent(id, known.clientId);
  }

  private VerifiedAgents.Entry verify(long id, String tokenHeader, byte[] digest) {
    long generation = verified.generation();
    Optional<Row> row =
        db.one(
            "SELECT id, client_id, agent_token, hostname, status, last_seen_at"
                + " FROM s3_cloudbackup_agents WHERE id = ?",
            id);
    if (row.isEmpty()
        || !"active".equals(row.get().str("status"))
        || !constantTimeEquals(row.get().str("agent_token"), tokenHeader)) {
      throw invalidAgent();
    }
    VerifiedAgents.Entry e =
        new VerifiedAgents.Entry(
            row.get().lng("client_id"),
            digest,
            row.get().time("last_seen_at"),
            row.get().str("hostname"));
    verified.put(id, e, generation);
    return e;
  }

  /**
   * Stores the hostname an authenticated agent reports, writing only when it differs from what the
   * row holds (agent_next_run sends it on every poll).
   */
  public void reportHostname(long agentId, String hostname) {
    VerifiedAgents.Entry e = verified.peek(agentId);
    if (e != null && hostname.equals(e.hostname)) {
      return;
    }
    db.update(
        "UPDATE s3_cloudbackup_agents SET hostname = ? WHERE id = ? AND hostname <> ?",
        hostname,
        agentId,
        hostname);
    if (e != null) {
      e.hostname = hostname;
    }
  }

  /** Call after changing an agent's row (status, token): its next call is checked afresh. */
  public void forgetAgent(long agentId) {
    verified.forget(agentId);
  }

  public long client(String sessionHeader) {
    if (sessionHeader == null || sessionHeader.isBlank()) {
      throw ApiException.unauthorized("not logged in: send the X-Client-Session header");
    }
    return db.one("SELECT client_id FROM sim_client_sessions WHERE token = ?", sessionHeader.trim())
        .map(r -> r.lng("client_id"))
        .orElseThrow(() -> ApiException.unauthorized("client session is not valid"));
  }

  public void admin(String tokenHeader) {
    if (tokenHeader == null || !constantTimeEquals(adminToken, tokenHeader)) {
      throw ApiException.unauthorized("invalid admin token");
    }
  }

  private static ApiException invalidAgent() {
    return ApiException.unauthorized("invalid agent credentials");
  }

  private static boolean constantTimeEquals(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
