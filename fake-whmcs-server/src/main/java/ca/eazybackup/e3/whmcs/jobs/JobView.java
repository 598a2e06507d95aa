package ca.eazybackup.e3.whmcs.jobs;

import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A job as client and admin listings show it: no keys, passwords or credentials. */
public final class JobView {
  private JobView() {}

  public static Map<String, Object> of(Row j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_id", j.lng("id"));
    m.put("client_id", j.lng("client_id"));
    m.put("name", j.str("name"));
    m.put("status", j.str("status"));
    m.put("source_type", j.str("source_type"));
    m.put("engine", j.str("engine"));
    m.put("agent_id", j.lng("agent_id"));
    m.put("source_path", j.str("source_path"));
    m.put("source_paths", JobContext.sourcePaths(j));
    m.put("dest_type", j.str("dest_type"));
    m.put("dest_bucket", j.str("dest_bucket"));
    m.put("dest_prefix", j.str("dest_prefix"));
    m.put("bucket_auto_create", j.bool("bucket_auto_create"));
    m.put("schedule_json", Json.parse(j.str("schedule_json")));
    m.put("retention_json", Json.parse(j.str("retention_json")));
    m.put("policy_json", Json.parse(j.str("policy_json")));
    m.put("bandwidth_limit_kbps", j.lng("bandwidth_limit_kbps"));
    m.put("local_bandwidth_limit_kbps", j.lng("local_bandwidth_limit_kbps"));
    m.put("parallelism", j.lng("parallelism"));
    m.put("encryption_mode", j.str("encryption_mode"));
    m.put("compression", j.str("compression"));
    m.put("local_include_glob", j.str("local_include_glob"));
    m.put("local_exclude_glob", j.str("local_exclude_glob"));
    m.put(
        "has_network_credentials",
        j.str("source_config") != null && j.str("source_config").contains("network_credentials"));
    m.put("notify_email", j.str("notify_email"));
    m.put("notify_on", j.str("notify_on"));
    m.put("vss_mode", j.str("vss_mode"));
    m.put("next_run_at", j.time("next_run_at"));
    m.put("created_at", j.time("created_at"));
    m.put("updated_at", j.time("updated_at"));
    return m;
  }
}
