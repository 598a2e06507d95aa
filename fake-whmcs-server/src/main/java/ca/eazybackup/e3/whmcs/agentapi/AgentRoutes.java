package ca.eazybackup.e3.whmcs.agentapi;

import static ca.eazybackup.e3.whmcs.http.Api.ok;

import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.Api;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Auth;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.jobs.JobContext;
import ca.eazybackup.e3.whmcs.nas.NasService;
import ca.eazybackup.e3.whmcs.runs.RunClaimer;
import ca.eazybackup.e3.whmcs.runs.RunService;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The agent-facing endpoints of docs/agent-api.md; thin: parse, call, answer. */
public final class AgentRoutes {
  private final Db db;
  private final Auth auth;
  private final RunClaimer claimer;
  private final RunService runs;
  private final CommandService commands;
  private final JobContext jobs;
  private final NasService nas;

  public AgentRoutes(
      Db db,
      Auth auth,
      RunClaimer claimer,
      RunService runs,
      CommandService commands,
      JobContext jobs,
      NasService nas) {
    this.db = db;
    this.auth = auth;
    this.claimer = claimer;
    this.runs = runs;
    this.commands = commands;
    this.jobs = jobs;
    this.nas = nas;
  }

  public void register(Api api) {
    api.agent("agent_next_run.php", this::nextRun);
    api.agent("agent_update_run.php", this::updateRun);
    api.agent("agent_push_events.php", this::pushEvents);
    api.agent("agent_poll_pending_commands.php", this::pollCommands);
    api.agent("agent_poll_commands.php", this::pollCommands);
    api.agent("agent_ack_commands.php", this::ackCommands);
    api.agent("agent_complete_command.php", this::completeCommand);
    api.agent("agent_report_browse.php", this::reportBrowse);
    api.agent("agent_report_snapshot.php", this::reportSnapshot);
    api.agent("cloudnas_update_status.php", this::nasStatus);
    api.agent("agent_list_mounts.php", this::listMounts);
    api.agent("agent_fetch_jobs.php", this::fetchJobs);
    api.agent("agent_start_run.php", this::startRun);
  }

  private Map<String, Object> nextRun(Auth.Agent agent, Params p, Context ctx) {
    String hostname = p.optStr("hostname").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    if (hostname != null) {
      auth.reportHostname(agent.agentId(), hostname);
    }
    Optional<RunClaimer.Claim> claim = claimer.next(agent.agentId(), hostname);
    if (claim.isEmpty()) {
      return ok("run", null);
    }
    Row run =
        db.one("SELECT * FROM s3_cloudbackup_runs WHERE id = ?", claim.get().runId()).orElseThrow();
    Row job = jobs.job(run.lng("job_id")).orElseThrow();
    return ok("run", jobs.forRun(run, job, claim.get().reclaimed()));
  }

  private Map<String, Object> updateRun(Auth.Agent agent, Params p, Context ctx) {
    RunService.UpdateResult r = runs.update(agent.agentId(), p);
    return ok("run_status", r.runStatus(), "cancel_requested", r.cancelRequested());
  }

  private Map<String, Object> pushEvents(Auth.Agent agent, Params p, Context ctx) {
    return ok("accepted", runs.pushEvents(agent.agentId(), p));
  }

  private Map<String, Object> pollCommands(Auth.Agent agent, Params p, Context ctx) {
    return ok("commands", commands.poll(agent.agentId()));
  }

  private Map<String, Object> ackCommands(Auth.Agent agent, Params p, Context ctx) {
    JsonNode ids = p.node().get("command_ids");
    if (ids == null || !ids.isArray() || ids.size() > 1000) {
      throw ApiException.badRequest(
          "command_ids", "command_ids must be a list of at most 1000 ids");
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode id = ids.get(i);
      if (!id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() <= 0) {
        throw ApiException.badRequest(
            "command_ids[" + i + "]", "command_ids[" + i + "] must be a positive integer");
      }
      out.add(id.asLong());
    }
    return ok("acknowledged", commands.acknowledge(agent.agentId(), out));
  }

  private Map<String, Object> completeCommand(Auth.Agent agent, Params p, Context ctx) {
    long id = p.id("command_id");
    String status = p.enumValue("status", List.of("completed", "failed"));
    commands.complete(
        agent.agentId(), id, "completed".equals(status), p.optStr("result_message").orElse(null));
    return ok();
  }

  private Map<String, Object> reportBrowse(Auth.Agent agent, Params p, Context ctx) {
    long id = p.id("command_id");
    Row c = commands.ownedByAgent(agent.agentId(), id);
    if (!"browse_directory".equals(c.str("type"))) {
      throw ApiException.badRequest(
          "command_id", "command " + id + " is not a browse_directory command");
    }
    JsonNode result = p.node().get("result");
    Optional<String> error = p.optStr("error").filter(s -> !s.isBlank());
    if (error.isPresent()) {
      commands.complete(agent.agentId(), id, false, Json.write(Map.of("error", error.get())));
      return ok();
    }
    if (result == null || !result.isObject()) {
      throw ApiException.badRequest("result", "result (an object) or error is required");
    }
    JsonNode entries = result.get("entries");
    if (entries != null && !entries.isArray()) {
      throw ApiException.badRequest("result.entries", "result.entries must be a list");
    }
    if (entries != null && entries.size() > 1000) {
      throw ApiException.badRequest("result.entries", "at most 1000 entries");
    }
    commands.complete(agent.agentId(), id, true, Json.write(result));
    return ok();
  }

  /**
   * agent_report_snapshot: Time Machine's answer to snapshot_browse (a page of one folder, as
   * agent_report_browse) or snapshot_diff (changes and totals), stored as the command's result.
   */
  private Map<String, Object> reportSnapshot(Auth.Agent agent, Params p, Context ctx) {
    long id = p.id("command_id");
    Row c = commands.ownedByAgent(agent.agentId(), id);
    String type = c.str("type");
    if (!"snapshot_browse".equals(type) && !"snapshot_diff".equals(type)) {
      throw ApiException.badRequest(
          "command_id", "command " + id + " is not a snapshot_browse or snapshot_diff command");
    }
    Optional<String> error = p.optStr("error").filter(s -> !s.isBlank());
    if (error.isPresent()) {
      commands.complete(agent.agentId(), id, false, Json.write(Map.of("error", error.get())));
      return ok();
    }
    JsonNode result = p.node().get("result");
    if (result == null || !result.isObject()) {
      throw ApiException.badRequest("result", "result (an object) or error is required");
    }
    String list = "snapshot_browse".equals(type) ? "entries" : "changes";
    JsonNode items = result.get(list);
    if (items == null || !items.isArray()) {
      throw ApiException.badRequest("result." + list, "result." + list + " must be a list");
    }
    if (items.size() > 1000) {
      throw ApiException.badRequest("result." + list, "at most 1000 " + list);
    }
    commands.complete(agent.agentId(), id, true, Json.write(result));
    return ok();
  }

  private Map<String, Object> nasStatus(Auth.Agent agent, Params p, Context ctx) {
    nas.updateStatus(agent.agentId(), p);
    return ok();
  }

  private Map<String, Object> listMounts(Auth.Agent agent, Params p, Context ctx) {
    List<com.fasterxml.jackson.databind.node.ObjectNode> mounts = nas.agentMounts(agent.agentId());
    mounts.forEach(m -> commands.addNasSecrets(m, "nas_mount"));
    return ok("mounts", mounts);
  }

  private Map<String, Object> fetchJobs(Auth.Agent agent, Params p, Context ctx) {
    List<Map<String, Object>> out =
        db
            .query(
                "SELECT * FROM s3_cloudbackup_jobs WHERE agent_id = ? AND status = 'active' ORDER BY id",
                agent.agentId())
            .stream()
            .map(j -> jobs.forJob(j, false))
            .toList();
    return ok("jobs", out);
  }

  private Map<String, Object> startRun(Auth.Agent agent, Params p, Context ctx) {
    long jobId = p.id("job_id");
    Row job =
        db.one(
                "SELECT * FROM s3_cloudbackup_jobs WHERE id = ? AND agent_id = ?",
                jobId,
                agent.agentId())
            .orElseThrow(() -> ApiException.notFound("job " + jobId + " not found"));
    return ok("run_id", runs.startLegacyRun(agent.agentId(), job));
  }
}
