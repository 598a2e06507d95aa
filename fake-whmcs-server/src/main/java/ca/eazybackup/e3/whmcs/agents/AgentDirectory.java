package ca.eazybackup.e3.whmcs.agents;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents as the client's agent list and the admin's agent table show them: hostname, status,
 * last seen and whether that was recent enough to call the agent online. Never the token.
 */
public final class AgentDirectory {
  /** An agent seen within this long is online (agents poll every few seconds). */
  public static final Duration ONLINE_WITHIN = Duration.ofMinutes(2);

  private AgentDirectory() {}

  /** One client's agents (the client view). */
  public static List<Map<String, Object>> ofClient(Db db, Clock clock, long clientId) {
    Instant onlineSince = clock.instant().minus(ONLINE_WITHIN);
    return db
        .query("SELECT * FROM s3_cloudbackup_agents WHERE client_id = ? ORDER BY id", clientId)
        .stream()
        .map(a -> view(a, onlineSince))
        .toList();
  }

  /** Every client's agents, each with its {@code client_id} (the admin view). */
  public static List<Map<String, Object>> all(Db db, Clock clock) {
    Instant onlineSince = clock.instant().minus(ONLINE_WITHIN);
    return db.query("SELECT * FROM s3_cloudbackup_agents ORDER BY id").stream()
        .map(
            a -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("client_id", a.lng("client_id"));
              m.putAll(view(a, onlineSince));
              return m;
            })
        .toList();
  }

  private static Map<String, Object> view(Row a, Instant onlineSince) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agent_id", a.lng("id"));
    m.put("hostname", a.str("hostname"));
    m.put("status", a.str("status"));
    m.put("last_seen_at", a.time("last_seen_at"));
    m.put("online", a.time("last_seen_at") != null && a.time("last_seen_at").isAfter(onlineSince));
    m.put("created_at", a.time("created_at"));
    return m;
  }
}
