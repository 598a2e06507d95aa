package ca.eazybackup.e3.whmcs.simcontrol;

import static ca.eazybackup.e3.whmcs.http.Api.ok;

import ca.eazybackup.e3.whmcs.crypto.SecretBox;
import ca.eazybackup.e3.whmcs.db.AddonSettings;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.http.Api;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Auth;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.scheduler.Scheduler;
import ca.eazybackup.e3.whmcs.watchdog.Watchdog;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Simulation control under {@code <base>/sim/}: what WHMCS itself (signup, provisioning, the
 * admin's settings page, the mail log, the crons) would do. Not part of the seed's API.
 */
public final class SimRoutes {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final Db db;
  private final Clock clock;
  private final SecretBox box;
  private final AddonSettings settings;
  private final Auth auth;
  private final Watchdog watchdog;
  private final Scheduler scheduler;

  public SimRoutes(
      Db db,
      Clock clock,
      SecretBox box,
      AddonSettings settings,
      Auth auth,
      Watchdog watchdog,
      Scheduler scheduler) {
    this.db = db;
    this.clock = clock;
    this.box = box;
    this.settings = settings;
    this.auth = auth;
    this.watchdog = watchdog;
    this.scheduler = scheduler;
  }

  public void register(Api api) {
    api.sim("create_client", this::createClient);
    api.sim("create_session", this::createSession);
    api.sim("create_agent", this::createAgent);
    api.sim("revoke_agent", this::revokeAgent);
    api.sim("create_bucket", this::createBucket);
    api.sim("settings", this::settings);
    api.sim("outbox", this::outbox);
    api.sim("command", this::command);
    api.sim("run_watchdog", (p, x) -> ok("failed_run_ids", watchdog.sweep()));
    api.sim(
        "run_scheduler",
        (p, x) -> {
          Scheduler.Tick t = scheduler.tick();
          return ok("queued", t.queued(), "skipped", t.skipped(), "missed", t.missed());
        });
  }

  private Map<String, Object> createClient(Params p, Context ctx) {
    String email = p.strOr("email", "").trim();
    Instant now = clock.instant();
    long id =
        db.insert(
            "INSERT INTO tblclients (email, firstname, lastname, created_at) VALUES (?, ?, ?, ?)",
            email.isEmpty() ? "client@example.invalid" : email,
            p.strOr("firstname", ""),
            p.strOr("lastname", ""),
            now);
    return ok("client_id", id, "session_token", newSession(id));
  }

  private Map<String, Object> createSession(Params p, Context ctx) {
    long clientId = existingClient(p);
    return ok("client_id", clientId, "session_token", newSession(clientId));
  }

  private String newSession(long clientId) {
    String token = box.randomSecret(24);
    db.update(
        "INSERT INTO sim_client_sessions (token, client_id, created_at) VALUES (?, ?, ?)",
        token,
        clientId,
        clock.instant());
    return token;
  }

  private long existingClient(Params p) {
    long clientId = p.id("client_id");
    var unused =
        db.one("SELECT id FROM tblclients WHERE id = ?", clientId)
            .orElseThrow(
                () -> new ApiException(404, "client " + clientId + " not found", "client_id"));
    return clientId;
  }

  private Map<String, Object> createAgent(Params p, Context ctx) {
    long clientId = existingClient(p);
    String token =
        p.optStr("agent_token").filter(s -> !s.isBlank()).orElseGet(() -> box.randomSecret(32));
    if (token.length() < 16) {
      throw ApiException.badRequest("agent_token", "agent_token must be at least 16 characters");
    }
    Instant now = clock.instant();
    long id =
        db.insert(
            "INSERT INTO s3_cloudbackup_agents (client_id, agent_token, hostname, status, created_at,"
                + " updated_at) VALUES (?, ?, ?, 'active', ?, ?)",
            clientId,
            token,
            p.strOr("hostname", ""),
            now,
            now);
    return ok("agent_id", id, "agent_token", token, "client_id", clientId);
  }

  /** What the client area's "remove agent" does: the agent's token stops working at once. */
  private Map<String, Object> revokeAgent(Params p, Context ctx) {
    long agentId = p.id("agent_id");
    int n =
        db.update(
            "UPDATE s3_cloudbackup_agents SET status = 'revoked', updated_at = ? WHERE id = ?",
            clock.instant(),
            agentId);
    auth.forgetAgent(agentId);
    if (n == 0) {
      throw new ApiException(404, "agent " + agentId + " not found", "agent_id");
    }
    return ok("agent_id", agentId, "status", "revoked");
  }

  private Map<String, Object> createBucket(Params p, Context ctx) {
    long clientId = existingClient(p);
    String name = p.str("name").trim();
    if (!BUCKET.matcher(name).matches()) {
      throw ApiException.badRequest("name", "'" + name + "' is not a valid S3 bucket name");
    }
    String access = p.str("access_key");
    String secret = p.str("secret_key");
    if (db.one("SELECT id FROM s3_buckets WHERE name = ?", name).isPresent()) {
      throw new ApiException(409, "bucket '" + name + "' already exists", "name");
    }
    long id =
        db.insert(
            "INSERT INTO s3_buckets (client_id, name, access_key_enc, secret_key_enc, created_at)"
                + " VALUES (?, ?, ?, ?, ?)",
            clientId,
            name,
            box.encrypt(access),
            box.encrypt(secret),
            clock.instant());
    return ok("bucket_id", id, "name", name, "client_id", clientId);
  }

  private Map<String, Object> settings(Params p, Context ctx) {
    for (String key : List.of(AddonSettings.S3_ENDPOINT, AddonSettings.S3_REGION)) {
      if (p.present(key)) {
        String v = p.strOr(key, "").trim();
        if (key.equals(AddonSettings.S3_ENDPOINT) && !v.isEmpty() && !v.matches("https?://.+")) {
          throw ApiException.badRequest(key, key + " must be a URL with http:// or https://");
        }
        settings.put(key, v);
      }
    }
    return ok("settings", settings.agentS3());
  }

  /** One command's state, as the admin's command log shows it (maintenance has no run). */
  private Map<String, Object> command(Params p, Context ctx) {
    long id = p.id("command_id");
    var c =
        db.one("SELECT * FROM s3_cloudbackup_run_commands WHERE id = ?", id)
            .orElseThrow(() -> new ApiException(404, "command " + id + " not found", "command_id"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command_id", id);
    m.put("type", c.str("type"));
    m.put("status", c.str("status"));
    m.put("result_message", c.str("result_message"));
    m.put("agent_id", c.lng("agent_id"));
    m.put("run_id", c.lng("run_id"));
    m.put("created_at", c.time("created_at"));
    m.put("delivered_at", c.time("delivered_at"));
    m.put("acknowledged_at", c.time("acknowledged_at"));
    m.put("deliveries", c.lng("deliveries"));
    m.put("completed_at", c.time("completed_at"));
    return ok("command", m);
  }

  private Map<String, Object> outbox(Params p, Context ctx) {
    List<Object> args = new java.util.ArrayList<>();
    String where = "";
    if (p.has("client_id")) {
      where = " WHERE client_id = ?";
      args.add(p.id("client_id"));
    }
    return ok(
        "emails",
        db.query("SELECT * FROM sim_email_outbox" + where + " ORDER BY id", args.toArray()).stream()
            .map(
                e -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("email_id", e.lng("id"));
                  m.put("client_id", e.lng("client_id"));
                  m.put("run_id", e.lng("run_id"));
                  m.put("to", e.str("to_address"));
                  m.put("subject", e.str("subject"));
                  m.put("body", e.str("body"));
                  m.put("created_at", e.time("created_at"));
                  m.put("sent_at", e.time("sent_at"));
                  m.put("send_error", e.str("send_error"));
                  return m;
                })
            .toList());
  }
}
