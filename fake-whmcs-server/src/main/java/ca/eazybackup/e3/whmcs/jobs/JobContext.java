package ca.eazybackup.e3.whmcs.jobs;

import ca.eazybackup.e3.whmcs.crypto.SecretBox;
import ca.eazybackup.e3.whmcs.db.AddonSettings;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the agent-facing job description (the {@code run} object of agent_next_run, the {@code
 * job} of a command, the jobs of agent_fetch_jobs): job fields, decrypted bucket keys, endpoint and
 * region, decrypted network credentials and repository password. Only agent endpoints call this,
 * and only for the agent the job belongs to.
 */
public final class JobContext {
  private final Db db;
  private final SecretBox box;
  private final AddonSettings settings;

  public JobContext(Db db, SecretBox box, AddonSettings settings) {
    this.db = db;
    this.box = box;
    this.settings = settings;
  }

  public Optional<Row> job(long jobId) {
    return db.one("SELECT * FROM s3_cloudbackup_jobs WHERE id = ?", jobId);
  }

  /** The job context for a run (run-specific fields come from the run row). */
  public Map<String, Object> forRun(Row run, Row job, boolean reclaimed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", run.lng("id"));
    m.putAll(jobFields(job));
    m.put("run_type", run.str("run_type"));
    m.put("engine", run.str("engine"));
    m.put("dest_type", run.str("dest_type"));
    m.put("dest_bucket", run.str("dest_bucket"));
    m.put("dest_prefix", run.str("dest_prefix"));
    m.put("dest_local_path", run.str("dest_local_path"));
    m.put("reclaimed", reclaimed);
    m.put("progress_json", Json.parse(run.str("progress_json")));
    return m;
  }

  /** The job context without a run (legacy agent_fetch_jobs, maintenance commands). */
  public Map<String, Object> forJob(Row job, boolean withRunId) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (withRunId) {
      m.put("run_id", null);
    }
    m.putAll(jobFields(job));
    m.put("reclaimed", false);
    m.put("progress_json", null);
    return m;
  }

  private Map<String, Object> jobFields(Row job) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> sources = sourcePaths(job);
    m.put("job_id", job.lng("id"));
    m.put("job_name", job.str("name"));
    m.put("run_type", "backup");
    m.put("engine", job.str("engine"));
    m.put("source_type", job.str("source_type"));
    m.put("source_path", sources.isEmpty() ? "" : sources.get(0));
    m.put("source_paths", sources);
    m.put("dest_type", job.str("dest_type"));
    m.put("dest_bucket", job.str("dest_bucket"));
    m.put("dest_prefix", job.str("dest_prefix"));
    m.put("dest_local_path", job.str("dest_local_path"));
    m.put("dest_endpoint", settings.s3Endpoint());
    m.put("dest_region", settings.s3Region());
    Optional<Row> bucket =
        job.lng("dest_bucket_id") == null
            ? Optional.empty()
            : db.one("SELECT * FROM s3_buckets WHERE id = ?", job.lng("dest_bucket_id"));
    m.put("dest_access_key", bucket.map(b -> box.decrypt(b.str("access_key_enc"))).orElse(""));
    m.put("dest_secret_key", bucket.map(b -> box.decrypt(b.str("secret_key_enc"))).orElse(""));
    m.put("bucket_auto_create", job.bool("bucket_auto_create"));
    m.put("local_include_glob", nz(job.str("local_include_glob")));
    m.put("local_exclude_glob", nz(job.str("local_exclude_glob")));
    m.put("bandwidth_limit_kbps", job.lng("bandwidth_limit_kbps", 0));
    m.put("local_bandwidth_limit_kbps", job.lng("local_bandwidth_limit_kbps", 0));
    m.put("parallelism", job.lng("parallelism", 0));
    m.put("encryption_mode", nz(job.str("encryption_mode")));
    m.put("compression", nz(job.str("compression")));
    m.put("repository_password", box.decrypt(job.str("repository_password_enc")));
    m.put("schedule_json", Json.parse(job.str("schedule_json")));
    m.put("retention_json", Json.parse(job.str("retention_json")));
    m.put("policy_json", Json.parse(job.str("policy_json")));
    m.put("vss_mode", job.str("vss_mode"));
    m.put("network_credentials", networkCredentials(job));
    return m;
  }

  public static List<String> sourcePaths(Row job) {
    List<String> out = new ArrayList<>();
    JsonNode arr = Json.parse(job.str("source_paths_json"));
    if (arr != null && arr.isArray()) {
      arr.forEach(n -> out.add(n.asText()));
    }
    if (out.isEmpty() && job.str("source_path") != null && !job.str("source_path").isEmpty()) {
      out.add(job.str("source_path"));
    }
    return out;
  }

  private Map<String, Object> networkCredentials(Row job) {
    JsonNode cfg = Json.parse(job.str("source_config"));
    if (cfg == null || !cfg.hasNonNull("network_credentials")) {
      return null;
    }
    JsonNode nc = cfg.get("network_credentials");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", box.decrypt(nc.path("username").asText(null)));
    m.put("password", box.decrypt(nc.path("password").asText(null)));
    m.put("domain", nc.path("domain").asText(""));
    return m;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
