package ca.eazybackup.e3.scenarios;

import ca.eazybackup.e3.whmcs.sim.SimEnvironment;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client with everything an attacker could aim at, made through the API alone (its agent is
 * played over HTTP, no process): an agent, a bucket, a job, a finished run with events, a queued
 * run, a NAS mount and commands. {@link #state()} is what the client can see of it, to prove a
 * refused request changed nothing.
 */
final class TenantFixture {
  final SimEnvironment.Tenant tenant;
  final AgentAccount agent;
  final AgentHttp asAgent;
  final AgentHttp asClient;
  final String bucket;
  final long jobId;
  final long finishedRunId;
  final long queuedRunId;
  final long mountId;
  final long commandId;

  TenantFixture(SimEnvironment env, String uid, String name) {
    tenant = env.newTenant(name + "-" + uid + "@example.com");
    agent = tenant.newAgent(name + "-host-" + uid);
    String base = env.addon().baseUrl();
    asAgent = AgentHttp.agent(base, agent);
    asClient = AgentHttp.client(base, tenant.api().clientSession());
    bucket = (name + "-" + uid).toLowerCase(java.util.Locale.ROOT);
    tenant.newBucket(bucket, false);
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", name + " documents");
    job.put("agent_id", agent.agentId());
    job.put("source_paths", List.of("C:\\Users\\" + name + "\\Documents"));
    job.put("dest_bucket", bucket);
    job.put("dest_prefix", name);
    jobId = asClient.post("cloudbackup_create_job.php", job).path("job_id").asLong();
    finishedRunId = startRun();
    asAgent.post("agent_next_run.php", Map.of());
    asAgent.post("agent_update_run.php", Map.of("run_id", finishedRunId, "status", "running"));
    asAgent.post(
        "agent_push_events.php",
        Map.of(
            "run_id",
            finishedRunId,
            "events",
            List.of(Map.of("seq", 1, "type", "lifecycle", "code", "BACKUP_STARTING"))));
    asAgent.post(
        "agent_update_run.php",
        Map.of(
            "run_id",
            finishedRunId,
            "status",
            "success",
            "files_done",
            3,
            "bytes_transferred",
            42));
    queuedRunId = startRun();
    mountId =
        asClient
            .post(
                "cloudnas_create_mount.php",
                Map.of("agent_id", agent.agentId(), "bucket", bucket, "drive_letter", "Y"))
            .path("mount_id")
            .asLong();
    commandId =
        asClient
            .post("cloudnas_mount.php", Map.of("mount_id", mountId))
            .path("command_id")
            .asLong();
  }

  private long startRun() {
    return asClient
        .post("cloudbackup_start_run.php", Map.of("job_id", jobId))
        .path("run_id")
        .asLong();
  }

  /** {@code {agent}}, {@code {job}}, … in a request template, with this tenant's ids. */
  String fill(String template) {
    return fill(
        template, agent.agentId(), jobId, finishedRunId, queuedRunId, mountId, commandId, bucket);
  }

  /**
   * The template with ids and a bucket no tenant has: what "does not exist" answers, which a
   * refusal of another tenant's ids must not be told apart from.
   */
  static String fillWithIdsThatDoNotExist(String template, String uid) {
    long none = 2_100_000_000L;
    return fill(
        template,
        none + 1,
        none + 2,
        none + 3,
        none + 4,
        none + 5,
        none + 6,
        "no-such-bucket-" + uid);
  }

  private static String fill(
      String template,
      long agentId,
      long jobId,
      long finishedRunId,
      long queuedRunId,
      long mountId,
      long commandId,
      String bucket) {
    return template
        .replace("{agent}", String.valueOf(agentId))
        .replace("{job}", String.valueOf(jobId))
        .replace("{run}", String.valueOf(finishedRunId))
        .replace("{queued_run}", String.valueOf(queuedRunId))
        .replace("{mount}", String.valueOf(mountId))
        .replace("{command}", String.valueOf(commandId))
        .replace("{bucket}", bucket)
        .replace("{nul}", "\\u0000")
        .replace("{long_path}", "C:\\\\" + "d".repeat(5_000))
        .replace(
            "{huge_paths}",
            "["
                + String.join(
                    ",", java.util.Collections.nCopies(20, "\"C:\\\\" + "p".repeat(4_000) + "\""))
                + "]");
  }

  /** All the client can see: jobs, runs, events and logs of its runs, mounts, agents, buckets. */
  ObjectNode state() {
    ObjectNode s = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    s.set("jobs", asClient.post("cloudbackup_list_jobs.php", Map.of()).path("jobs"));
    JsonNode runs = asClient.post("cloudbackup_list_runs.php", Map.of()).path("runs");
    s.set("runs", runs);
    for (JsonNode r : runs) {
      long id = r.path("run_id").asLong();
      s.set("events-" + id, asClient.post("cloudbackup_get_run_events.php", Map.of("run_id", id)));
      s.set("logs-" + id, asClient.post("cloudbackup_get_run_logs.php", Map.of("run_id", id)));
    }
    s.set("mounts", asClient.post("cloudnas_list_mounts.php", Map.of()).path("mounts"));
    s.set("buckets", asClient.post("bucket_list.php", Map.of()).path("buckets"));
    s.set("settings", asClient.post("cloudnas_settings.php", Map.of()).path("settings"));
    JsonNode agents = asClient.post("agent_list.php", Map.of()).path("agents").deepCopy();
    for (JsonNode a : agents) {
      ((ObjectNode) a).remove(List.of("last_seen_at", "online")); // moves with every poll
    }
    s.set("agents", agents);
    return s;
  }
}
