package ca.eazybackup.e3.whmcs.jobs;

import ca.eazybackup.e3.whmcs.crypto.SecretBox;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.db.Sql;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.FieldLimits;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.scheduler.Schedule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * cloudbackup_create_job / cloudbackup_update_job: validation as the seed says (local_agent source,
 * S3-only destination, the agent belongs to the client, JSON fields normalised), secrets encrypted
 * before they reach the table.
 */
public final class JobService {
  private static final List<String> ENGINES = List.of("sync", "kopia");
  private static final List<String> NOTIFY_ON = List.of("always", "failure", "never");
  private static final List<String> VSS_MODES = List.of("never", "when_available", "always");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final Db db;
  private final SecretBox box;
  private final Clock clock;

  public JobService(Db db, SecretBox box, Clock clock) {
    this.db = db;
    this.box = box;
    this.clock = clock;
  }

  /** The client's job, or 404 (also for another client's job). */
  public Row owned(long clientId, long jobId) {
    return db.one(
            "SELECT * FROM s3_cloudbackup_jobs WHERE id = ? AND client_id = ?", jobId, clientId)
        .orElseThrow(() -> ApiException.notFound("job " + jobId + " not found"));
  }

  public long create(long clientId, Params p) {
    Map<String, Object> cols = new LinkedHashMap<>();
    cols.put("source_type", "local_agent");
    cols.put("engine", "sync");
    cols.put("dest_type", "s3");
    cols.put("dest_prefix", "");
    cols.put("bucket_auto_create", false);
    cols.put("bandwidth_limit_kbps", 0L);
    cols.put("parallelism", 0L);
    cols.put("local_bandwidth_limit_kbps", 0L);
    cols.put("encryption_mode", "");
    cols.put("compression", "");
    cols.put("local_include_glob", "");
    cols.put("local_exclude_glob", "");
    cols.put("notify_on", "always");
    cols.put("vss_mode", "when_available");
    cols.put("status", "active");
    if (!p.has("name")) {
      throw ApiException.badRequest("name", "name is required");
    }
    return db.tx(
        sql -> {
          apply(sql, clientId, cols, null, p);
          Instant now = clock.instant();
          cols.put("client_id", clientId);
          cols.put("created_at", now);
          cols.put("updated_at", now);
          List<String> names = new ArrayList<>(cols.keySet());
          String q =
              "INSERT INTO s3_cloudbackup_jobs ("
                  + String.join(", ", names)
                  + ") VALUES ("
                  + "?, ".repeat(names.size() - 1)
                  + "?)";
          long id = sql.insert(q, names.stream().map(cols::get).toArray());
          planSchedule(sql, id, now);
          return id;
        });
  }

  public void update(long clientId, long jobId, Params p) {
    db.tx(
        sql -> {
          Row current =
              sql.one(
                      "SELECT * FROM s3_cloudbackup_jobs WHERE id = ? AND client_id = ?",
                      jobId,
                      clientId)
                  .orElseThrow(() -> ApiException.notFound("job " + jobId + " not found"));
          Map<String, Object> cols = new LinkedHashMap<>();
          apply(sql, clientId, cols, current, p);
          cols.put("updated_at", clock.instant());
          List<String> names = new ArrayList<>(cols.keySet());
          List<Object> args = new ArrayList<>();
          names.forEach(n -> args.add(cols.get(n)));
          args.add(jobId);
          sql.update(
              "UPDATE s3_cloudbackup_jobs SET "
                  + String.join(" = ?, ", names)
                  + " = ? WHERE id = ?",
              args.toArray());
          if (p.present("schedule_json")) {
            planSchedule(sql, jobId, clock.instant());
          }
          return null;
        });
  }

  /** Plans the next scheduled slot after {@code now} (or clears it for manual jobs). */
  public static void planSchedule(Sql sql, long jobId, Instant now) {
    Row job =
        sql.one("SELECT schedule_json FROM s3_cloudbackup_jobs WHERE id = ?", jobId).orElseThrow();
    Schedule s = Schedule.parse(Json.parse(job.str("schedule_json")));
    Optional<Instant> slot = s.nextAfter(now);
    sql.update(
        "UPDATE s3_cloudbackup_jobs SET schedule_slot_at = ?, next_run_at = ? WHERE id = ?",
        slot.orElse(null),
        slot.map(t -> t.plus(s.delayFor(jobId, t))).orElse(null),
        jobId);
  }

  /** Reads every field present in the request into column values, validating each. */
  private void apply(Sql sql, long clientId, Map<String, Object> cols, Row current, Params p) {
    if (p.present("name")) {
      String name = p.strOr("name", "").trim();
      if (name.isEmpty()) {
        throw ApiException.badRequest("name", "name is required");
      }
      if (name.length() > 255) {
        throw ApiException.badRequest("name", "name is longer than 255 characters");
      }
      cols.put("name", name);
    }
    if (p.present("source_type")) {
      String st = p.strOr("source_type", "local_agent").trim();
      if (!"local_agent".equals(st)) {
        throw ApiException.badRequest(
            "source_type", "source_type must be local_agent (cloud sources run on the worker)");
      }
    }
    String engine = current == null ? "sync" : current.str("engine");
    if (p.present("engine")) {
      engine = p.enumValue("engine", ENGINES);
      cols.put("engine", engine);
    }
    if (p.present("agent_id") || current == null) {
      long agentId =
          p.optLong("agent_id")
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "agent_id", "agent_id is required for a local_agent job"));
      boolean owned =
          sql.one(
                  "SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?",
                  agentId,
                  clientId)
              .isPresent();
      if (!owned) {
        throw new ApiException(404, "agent " + agentId + " not found", "agent_id");
      }
      cols.put("agent_id", agentId);
    }
    if (p.present("source_paths") || p.present("source_path") || current == null) {
      List<String> paths = new ArrayList<>();
      p.optStringList("source_paths").ifPresent(paths::addAll);
      if (paths.stream().allMatch(String::isBlank)) {
        paths.clear();
        p.optStr("source_path").ifPresent(paths::add);
      }
      paths.replaceAll(String::trim);
      paths.removeIf(String::isEmpty);
      if (paths.isEmpty()) {
        throw ApiException.badRequest(
            "source_path", "source_path is required for a local_agent job");
      }
      for (String s : paths) {
        FieldLimits.checkNoParentSegments("source_paths", s);
      }
      cols.put("source_path", paths.get(0));
      cols.put("source_paths_json", FieldLimits.checkTextBytes("source_paths", Json.write(paths)));
    }
    if (p.present("dest_type")) {
      String dt = p.strOr("dest_type", "s3").trim();
      if (!"s3".equals(dt)) {
        throw ApiException.badRequest(
            "dest_type", "dest_type must be s3 (local destinations are not supported yet)");
      }
    }
    boolean autoCreate =
        p.optBool("bucket_auto_create")
            .orElse(current != null && current.bool("bucket_auto_create"));
    cols.put("bucket_auto_create", autoCreate);
    if (p.present("dest_bucket") || p.present("dest_bucket_id") || current == null) {
      Row bucket = resolveBucket(sql, clientId, p, autoCreate);
      cols.put("dest_bucket_id", bucket.lng("id"));
      cols.put("dest_bucket", bucket.str("name"));
    }
    if (p.present("dest_prefix")) {
      String prefix = p.strOr("dest_prefix", "").trim();
      while (prefix.startsWith("/")) {
        prefix = prefix.substring(1);
      }
      if (prefix.contains("..") || prefix.length() > 1024) {
        throw ApiException.badRequest("dest_prefix", "dest_prefix must not contain '..'");
      }
      cols.put("dest_prefix", prefix);
    }
    if (p.present("schedule_json") || current == null) {
      JsonNode raw = p.optJsonObject("schedule_json").orElse(null);
      Schedule s;
      try {
        s = Schedule.parse(raw);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("schedule_json", e.getMessage());
      }
      cols.put("schedule_type", s.type());
      cols.put("schedule_json", raw == null ? null : Json.write(s.toJson()));
    }
    for (String f : List.of("retention_json", "policy_json")) {
      if (p.present(f)) {
        cols.put(f, p.optJsonObject(f).map(Json::write).orElse(null));
      }
    }
    for (String f : List.of("bandwidth_limit_kbps", "local_bandwidth_limit_kbps", "parallelism")) {
      if (p.present(f)) {
        long v = p.nonNegative(f, 0);
        if (f.equals("parallelism") && v > 256) {
          throw ApiException.badRequest(f, "parallelism must be 0..256");
        }
        cols.put(f, v);
      }
    }
    for (String f : List.of("encryption_mode", "compression")) {
      if (p.present(f)) {
        String v = p.strOr(f, "").trim();
        if (v.length() > 64) {
          throw ApiException.badRequest(f, f + " is longer than 64 characters");
        }
        cols.put(f, v);
      }
    }
    for (String f : List.of("local_include_glob", "local_exclude_glob")) {
      if (p.present(f)) {
        cols.put(f, p.strOr(f, ""));
      }
    }
    if (p.present("network_username")
        || p.present("network_password")
        || p.present("network_domain")) {
      String user = p.strOr("network_username", "").trim();
      String pass = p.strOr("network_password", "");
      ObjectNode cfg = Json.MAPPER.createObjectNode();
      if (!user.isEmpty() && !pass.isEmpty()) {
        ObjectNode nc = cfg.putObject("network_credentials");
        nc.put("username", box.encrypt(user));
        nc.put("password", box.encrypt(pass));
        nc.put("domain", p.strOr("network_domain", "").trim());
      } else if (!user.isEmpty()) {
        throw ApiException.badRequest(
            "network_password", "network_password is required with network_username");
      }
      cols.put("source_config", cfg.isEmpty() ? null : Json.write(cfg));
    }
    if (p.present("notify_email")) {
      String email = p.strOr("notify_email", "").trim();
      if (!email.isEmpty() && !EMAIL.matcher(email).matches()) {
        throw ApiException.badRequest("notify_email", "notify_email is not an email address");
      }
      cols.put("notify_email", email.isEmpty() ? null : email);
    }
    p.optEnum("notify_on", NOTIFY_ON).ifPresent(v -> cols.put("notify_on", v));
    p.optEnum("vss_mode", VSS_MODES).ifPresent(v -> cols.put("vss_mode", v));
    boolean hasPassword = current != null && current.str("repository_password_enc") != null;
    Optional<String> password = p.optStr("encryption_password").filter(s -> !s.isEmpty());
    if (password.isPresent()) {
      if (password.get().length() < 8) {
        throw ApiException.badRequest(
            "encryption_password", "encryption_password must be at least 8 characters");
      }
      if (hasPassword) {
        // The repository is already encrypted with the old password; changing it would strand it.
        throw ApiException.badRequest(
            "encryption_password", "the repository password of an existing job cannot be changed");
      }
      cols.put("repository_password_enc", box.encrypt(password.get()));
    } else if ("kopia".equals(engine) && !hasPassword) {
      cols.put("repository_password_enc", box.encrypt(box.randomSecret(24)));
    }
  }

  private Row resolveBucket(Sql sql, long clientId, Params p, boolean autoCreate) {
    Optional<Long> bucketId = p.optLong("dest_bucket_id");
    if (bucketId.isPresent()) {
      return sql.one(
              "SELECT * FROM s3_buckets WHERE id = ? AND client_id = ?", bucketId.get(), clientId)
          .orElseThrow(
              () ->
                  new ApiException(
                      404, "bucket " + bucketId.get() + " not found", "dest_bucket_id"));
    }
    String name = p.optStr("dest_bucket").map(String::trim).orElse("");
    if (name.isEmpty()) {
      throw ApiException.badRequest("dest_bucket", "dest_bucket is required");
    }
    Optional<Row> found = sql.one("SELECT * FROM s3_buckets WHERE name = ?", name);
    if (found.isPresent() && found.get().lng("client_id") == clientId) {
      return found.get();
    }
    // Another client's bucket answers exactly as no bucket at all: a different message would tell
    // a caller which names other clients use (tenant_isolation.feature compares the two).
    if (!autoCreate) {
      throw new ApiException(
          404,
          "bucket '" + name + "' not found: create it or set bucket_auto_create",
          "dest_bucket");
    }
    if (found.isPresent()) {
      // S3 bucket names are global, so creating it would fail as S3's BucketAlreadyExists does:
      // the name is taken, by whom is not said.
      throw new ApiException(
          409, "bucket name '" + name + "' is already taken: choose another name", "dest_bucket");
    }
    if (!BUCKET.matcher(name).matches()) {
      throw ApiException.badRequest("dest_bucket", "'" + name + "' is not a valid S3 bucket name");
    }
    // The client's S3 user keys live on its buckets; a new bucket uses the same user's keys.
    Row keys =
        sql.one("SELECT * FROM s3_buckets WHERE client_id = ? ORDER BY id DESC", clientId)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "dest_bucket", "the client has no S3 access keys to create a bucket with"));
    long id =
        sql.insert(
            "INSERT INTO s3_buckets (client_id, name, access_key_enc, secret_key_enc, created_at)"
                + " VALUES (?, ?, ?, ?, ?)",
            clientId,
            name,
            keys.str("access_key_enc"),
            keys.str("secret_key_enc"),
            clock.instant());
    return sql.one("SELECT * FROM s3_buckets WHERE id = ?", id).orElseThrow();
  }
}
