package ca.eazybackup.e3.whmcs.nas;

import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.http.Params;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Cloud NAS: mount configurations, their commands, the agent's status callback, settings. */
public final class NasService {
  private static final List<String> CACHE_MODES = List.of("off", "minimal", "writes", "full");
  private static final List<String> STATUSES =
      List.of("mounted", "unmounted", "mounting", "unmounting", "error");

  private final Db db;
  private final Clock clock;

  public NasService(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public List<Map<String, Object>> list(long clientId) {
    return db
        .query("SELECT * FROM s3_cloudnas_mounts WHERE client_id = ? ORDER BY id", clientId)
        .stream()
        .map(NasService::view)
        .toList();
  }

  private static Map<String, Object> view(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mount_id", r.lng("id"));
    m.put("agent_id", r.lng("agent_id"));
    m.put("bucket", r.str("bucket_name"));
    m.put("prefix", r.str("prefix") == null ? "" : r.str("prefix"));
    m.put("drive_letter", r.str("drive_letter"));
    m.put("read_only", r.bool("read_only"));
    m.put("persistent", r.bool("persistent"));
    m.put("cache_mode", r.str("cache_mode"));
    m.put("status", r.str("status"));
    m.put("error", r.str("error"));
    m.put("job_id", r.lng("job_id"));
    m.put("manifest_id", r.str("manifest_id"));
    m.put("cache_bytes_used", r.lng("cache_bytes_used"));
    m.put("warning", r.str("warning"));
    m.put("last_mounted_at", r.time("last_mounted_at"));
    m.put("created_at", r.time("created_at"));
    m.put("updated_at", r.time("updated_at"));
    return m;
  }

  private Row owned(long clientId, long mountId) {
    return db.one(
            "SELECT * FROM s3_cloudnas_mounts WHERE id = ? AND client_id = ?", mountId, clientId)
        .orElseThrow(() -> ApiException.notFound("mount " + mountId + " not found"));
  }

  private long ownedAgent(long clientId, Params p) {
    long agentId = p.id("agent_id");
    var unused =
        db.one(
                "SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?",
                agentId,
                clientId)
            .orElseThrow(
                () -> new ApiException(404, "agent " + agentId + " not found", "agent_id"));
    return agentId;
  }

  private static String driveLetter(Params p) {
    String letter = p.str("drive_letter").trim().toUpperCase(Locale.ROOT).replace(":", "");
    if (!letter.matches("[A-Z]")) {
      throw ApiException.badRequest("drive_letter", "drive_letter must be one letter A-Z");
    }
    return letter;
  }

  private void letterFree(long clientId, long agentId, String letter) {
    boolean taken =
        db.one(
                "SELECT id FROM s3_cloudnas_mounts WHERE client_id = ? AND agent_id = ? AND drive_letter = ?",
                clientId,
                agentId,
                letter)
            .isPresent();
    if (taken) {
      throw new ApiException(
          409, "drive " + letter + ": is already configured on this agent", "drive_letter");
    }
  }

  public long create(long clientId, Params p) {
    long agentId = ownedAgent(clientId, p);
    String bucket =
        p.optStr("bucket").or(() -> p.optStr("bucket_name")).map(String::trim).orElse("");
    if (bucket.isEmpty()) {
      throw ApiException.badRequest("bucket", "bucket is required");
    }
    var unused =
        db.one("SELECT id FROM s3_buckets WHERE name = ? AND client_id = ?", bucket, clientId)
            .orElseThrow(
                () -> new ApiException(404, "bucket '" + bucket + "' not found", "bucket"));
    String letter = driveLetter(p);
    String cacheMode = p.optEnum("cache_mode", CACHE_MODES).orElse("full");
    String prefix = p.strOr("prefix", "").trim();
    if (prefix.contains("..")) {
      throw ApiException.badRequest("prefix", "prefix must not contain '..'");
    }
    letterFree(clientId, agentId, letter);
    Instant now = clock.instant();
    return db.insert(
        "INSERT INTO s3_cloudnas_mounts (client_id, agent_id, bucket_name, prefix, drive_letter,"
            + " read_only, persistent, cache_mode, status, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'unmounted', ?, ?)",
        clientId,
        agentId,
        bucket,
        prefix,
        letter,
        p.bool("read_only", false),
        p.bool("persistent", true),
        cacheMode,
        now,
        now);
  }

  public long mount(long clientId, long mountId) {
    Row m = owned(clientId, mountId);
    if (m.lng("job_id") != null) {
      return queueSnapshotMount(m);
    }
    Map<String, Object> payload = mountPayload(m);
    return db.tx(
        sql -> {
          Instant now = clock.instant();
          sql.update(
              "UPDATE s3_cloudnas_mounts SET status = 'mounting', error = NULL, updated_at = ? WHERE id = ?",
              now,
              mountId);
          return CommandService.enqueue(
              sql, now, clientId, m.lng("agent_id"), null, null, "nas_mount", payload);
        });
  }

  /**
   * The {@code nas_mount} payload: the seed's fields plus the client's Cloud NAS settings the agent
   * applies per drive (cache size; bandwidth in KB/s, 0 when the client's limit is off).
   */
  private Map<String, Object> mountPayload(Row m) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("mount_id", m.lng("id"));
    p.put("bucket", m.str("bucket_name"));
    p.put("prefix", m.str("prefix") == null ? "" : m.str("prefix"));
    p.put("drive_letter", m.str("drive_letter"));
    p.put("read_only", m.bool("read_only"));
    p.put("cache_mode", m.str("cache_mode"));
    ObjectNode settings = settings(m.lng("client_id"));
    boolean limited = settings.path("bandwidth_limit_enabled").asBoolean(false);
    p.put("cache_size_gb", settings.path("cache_size_gb").asDouble(0));
    p.put("bandwidth_upload_kbps", limited ? settings.path("bandwidth_upload_kbps").asLong(0) : 0);
    p.put(
        "bandwidth_download_kbps",
        limited ? settings.path("bandwidth_download_kbps").asLong(0) : 0);
    return p;
  }

  /**
   * agent_list_mounts: the agent's drives (not Time Machine snapshots), each as its {@code
   * nas_mount} payload (without keys; the caller adds them) plus {@code persistent}, {@code status}
   * and {@code auto_mount}: persistent and not unmounted (or being unmounted) by the client, i.e.
   * what the agent mounts again when it starts.
   */
  public List<ObjectNode> agentMounts(long agentId) {
    return db
        .query(
            "SELECT * FROM s3_cloudnas_mounts WHERE agent_id = ? AND job_id IS NULL ORDER BY id",
            agentId)
        .stream()
        .map(
            r -> {
              ObjectNode o = Json.MAPPER.valueToTree(mountPayload(r));
              String status = r.str("status");
              o.put("persistent", r.bool("persistent"));
              o.put("status", status);
              o.put(
                  "auto_mount",
                  r.bool("persistent")
                      && !"unmounted".equals(status)
                      && !"unmounting".equals(status));
              return o;
            })
        .toList();
  }

  public long unmount(long clientId, long mountId) {
    Row m = owned(clientId, mountId);
    return db.tx(
        sql -> {
          Instant now = clock.instant();
          sql.update(
              "UPDATE s3_cloudnas_mounts SET status = 'unmounting', updated_at = ? WHERE id = ?",
              now,
              mountId);
          return CommandService.enqueue(
              sql,
              now,
              clientId,
              m.lng("agent_id"),
              null,
              null,
              "nas_unmount",
              Map.of("mount_id", m.lng("id"), "drive_letter", m.str("drive_letter")));
        });
  }

  /** Queues an unmount when the drive may be mapped, then deletes the configuration. */
  public Long delete(long clientId, long mountId) {
    Row m = owned(clientId, mountId);
    return db.tx(
        sql -> {
          Instant now = clock.instant();
          Long cmd = null;
          if (!"unmounted".equals(m.str("status"))) {
            cmd =
                CommandService.enqueue(
                    sql,
                    now,
                    clientId,
                    m.lng("agent_id"),
                    null,
                    null,
                    "nas_unmount",
                    Map.of("mount_id", m.lng("id"), "drive_letter", m.str("drive_letter")));
          }
          sql.update("DELETE FROM s3_cloudnas_mounts WHERE id = ?", mountId);
          return cmd;
        });
  }

  /** cloudnas_mount_snapshot: a read-only mount of one Kopia snapshot of a job (Time Machine). */
  public Map<String, Object> mountSnapshot(long clientId, Params p) {
    long jobId = p.id("job_id");
    Row job =
        db.one("SELECT * FROM s3_cloudbackup_jobs WHERE id = ? AND client_id = ?", jobId, clientId)
            .orElseThrow(() -> ApiException.notFound("job " + jobId + " not found"));
    if (!"kopia".equals(job.str("engine"))) {
      throw ApiException.badRequest("job_id", "only kopia jobs have snapshots to mount");
    }
    String manifestId;
    if (p.has("manifest_id")) {
      manifestId = p.str("manifest_id");
      var unused =
          db.one(
                  "SELECT id FROM s3_cloudbackup_runs WHERE job_id = ? AND manifest_id = ?",
                  jobId,
                  manifestId)
              .orElseThrow(
                  () ->
                      new ApiException(
                          404, "snapshot " + manifestId + " not found", "manifest_id"));
    } else {
      long runId = p.id("run_id");
      manifestId =
          db.one(
                  "SELECT manifest_id FROM s3_cloudbackup_runs WHERE id = ? AND job_id = ? AND manifest_id IS NOT NULL",
                  runId,
                  jobId)
              .map(r -> r.str("manifest_id"))
              .orElseThrow(
                  () -> new ApiException(404, "snapshot of run " + runId + " not found", "run_id"));
    }
    long agentId = p.has("agent_id") ? ownedAgent(clientId, p) : job.lng("agent_id");
    String letter = driveLetter(p);
    letterFree(clientId, agentId, letter);
    Instant now = clock.instant();
    long mountId =
        db.insert(
            "INSERT INTO s3_cloudnas_mounts (client_id, agent_id, bucket_name, prefix, drive_letter,"
                + " read_only, persistent, cache_mode, status, job_id, manifest_id, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, 1, 0, 'full', 'unmounted', ?, ?, ?, ?)",
            clientId,
            agentId,
            job.str("dest_bucket"),
            job.str("dest_prefix"),
            letter,
            jobId,
            manifestId,
            now,
            now);
    long cmd =
        queueSnapshotMount(
            db.one("SELECT * FROM s3_cloudnas_mounts WHERE id = ?", mountId).orElseThrow());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mount_id", mountId);
    out.put("command_id", cmd);
    return out;
  }

  private long queueSnapshotMount(Row m) {
    Map<String, Object> payload = mountPayload(m);
    payload.put("job_id", m.lng("job_id"));
    // the drive's label is "Time Machine (<job name>, <date>)": the agent knows only the id
    payload.put(
        "job_name",
        db.one("SELECT name FROM s3_cloudbackup_jobs WHERE id = ?", m.lng("job_id"))
            .map(j -> j.str("name"))
            .orElse(null));
    payload.put("manifest_id", m.str("manifest_id"));
    return db.tx(
        sql -> {
          Instant now = clock.instant();
          sql.update(
              "UPDATE s3_cloudnas_mounts SET status = 'mounting', error = NULL, updated_at = ? WHERE id = ?",
              now,
              m.lng("id"));
          return CommandService.enqueue(
              sql,
              now,
              m.lng("client_id"),
              m.lng("agent_id"),
              null,
              m.lng("job_id"),
              "nas_mount_snapshot",
              payload);
        });
  }

  /** cloudnas_update_status (agent). */
  public void updateStatus(long agentId, Params p) {
    long mountId = p.id("mount_id");
    String status = p.enumValue("status", STATUSES);
    var unused =
        db.one("SELECT id FROM s3_cloudnas_mounts WHERE id = ? AND agent_id = ?", mountId, agentId)
            .orElseThrow(() -> ApiException.notFound("mount " + mountId + " not found"));
    Instant now = clock.instant();
    String error = p.optStr("error").filter(s -> !s.isBlank()).orElse(null);
    String warning = p.optStr("warning").filter(s -> !s.isBlank()).orElse(null);
    Long cacheBytes = p.has("cache_bytes_used") ? p.nonNegative("cache_bytes_used", 0) : null;
    List<Object> args = new java.util.ArrayList<>(List.of(status));
    args.add(error);
    args.add(warning);
    args.add(now);
    StringBuilder sql =
        new StringBuilder(
            "UPDATE s3_cloudnas_mounts SET status = ?, error = ?, warning = ?, updated_at = ?");
    if ("mounted".equals(status)) {
      sql.append(", last_mounted_at = ?");
      args.add(now);
    }
    if (cacheBytes != null) {
      sql.append(", cache_bytes_used = ?");
      args.add(cacheBytes);
    }
    sql.append(" WHERE id = ?");
    args.add(mountId);
    db.update(sql.toString(), args.toArray());
  }

  /** Defaults of the seed's settings JSON. */
  public static ObjectNode defaultSettings() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("cache_mode", "full");
    o.put("cache_size_gb", 10);
    o.put("bandwidth_limit_enabled", false);
    o.put("bandwidth_download_kbps", 0);
    o.put("bandwidth_upload_kbps", 0);
    o.put("auto_mount", true);
    o.put("default_read_only", false);
    o.putNull("default_agent_id");
    return o;
  }

  public ObjectNode settings(long clientId) {
    ObjectNode out = defaultSettings();
    db.one("SELECT settings_json FROM s3_cloudnas_settings WHERE client_id = ?", clientId)
        .map(r -> Json.parse(r.str("settings_json")))
        .filter(JsonNode::isObject)
        .ifPresent(s -> out.setAll((ObjectNode) s));
    return out;
  }

  public ObjectNode saveSettings(long clientId, Params p) {
    JsonNode in = p.node().has("settings") ? p.optJsonObject("settings").orElse(null) : p.node();
    if (in == null) {
      throw ApiException.badRequest("settings", "settings must be an object");
    }
    ObjectNode merged = settings(clientId);
    Params s = Params.of(in);
    s.optEnum("cache_mode", CACHE_MODES).ifPresent(v -> merged.put("cache_mode", v));
    for (String f : List.of("cache_size_gb", "bandwidth_download_kbps", "bandwidth_upload_kbps")) {
      if (s.has(f)) {
        merged.put(f, s.nonNegative(f, 0));
      }
    }
    for (String f : List.of("bandwidth_limit_enabled", "auto_mount", "default_read_only")) {
      s.optBool(f).ifPresent(v -> merged.put(f, v));
    }
    if (s.has("default_agent_id")) {
      Optional<Long> a = s.optLong("default_agent_id");
      if (a.isPresent()
          && db.one(
                  "SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?",
                  a.get(),
                  clientId)
              .isEmpty()) {
        throw new ApiException(404, "agent " + a.get() + " not found", "default_agent_id");
      }
      merged.put("default_agent_id", a.orElse(null));
    }
    Instant now = clock.instant();
    String json = Json.write(merged);
    db.tx(
        sql -> {
          if (sql.update(
                  "UPDATE s3_cloudnas_settings SET settings_json = ?, updated_at = ? WHERE client_id = ?",
                  json,
                  now,
                  clientId)
              == 0) {
            sql.update(
                "INSERT INTO s3_cloudnas_settings (client_id, settings_json, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?)",
                clientId,
                json,
                now,
                now);
          }
          return null;
        });
    return merged;
  }
}
