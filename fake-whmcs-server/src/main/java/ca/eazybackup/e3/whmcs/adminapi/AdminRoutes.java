package ca.eazybackup.e3.whmcs.adminapi;

import static ca.eazybackup.e3.whmcs.http.Api.ok;

import ca.eazybackup.e3.whmcs.agents.AgentDirectory;
import ca.eazybackup.e3.whmcs.clientapi.ClientCommands;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.http.Api;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.jobs.JobView;
import ca.eazybackup.e3.whmcs.runs.RunService;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin endpoints (header X-Admin-Token): maintenance commands and the all-clients lists of
 * jobs, runs and agents.
 */
public final class AdminRoutes {
  private final Db db;
  private final Clock clock;
  private final RunService runs;
  private final ClientCommands commands;

  public AdminRoutes(Db db, Clock clock, RunService runs, ClientCommands commands) {
    this.db = db;
    this.clock = clock;
    this.runs = runs;
    this.commands = commands;
  }

  public void register(Api api) {
    api.admin(
        "admin_cloudbackup_request_command.php",
        (p, x) -> ok("command_id", commands.request(0, p, true)));
    api.admin("admin_cloudbackup_list_jobs.php", this::listJobs);
    api.admin("admin_cloudbackup_list_runs.php", this::listRuns);
    api.admin("admin_agent_list.php", (p, x) -> ok("agents", AgentDirectory.all(db, clock)));
  }

  private Map<String, Object> listJobs(Params p, Context ctx) {
    List<Object> args = new ArrayList<>();
    String where = "";
    if (p.has("client_id")) {
      where = " WHERE client_id = ?";
      args.add(p.id("client_id"));
    }
    return ok(
        "jobs",
        db
            .query("SELECT * FROM s3_cloudbackup_jobs" + where + " ORDER BY id", args.toArray())
            .stream()
            .map(JobView::of)
            .toList());
  }

  private Map<String, Object> listRuns(Params p, Context ctx) {
    long limit = p.optLong("limit").filter(l -> l > 0 && l <= 5000).orElse(200L);
    return ok(
        "runs",
        runs.listRuns(
            p.optLong("client_id").orElse(null), p.optLong("job_id").orElse(null), (int) limit));
  }
}
