package ca.eazybackup.e3.whmcs.commands;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands an agent received but never acknowledged (agent_ack_commands): the agent acknowledges a
 * command only once it is in its journal on disk, so one delivered more than the lease ago and not
 * acknowledged was lost with the process (killed between our answer and its journal write) — the
 * agent will never run it nor report it. Those safe to run again are handed out again at the
 * agent's next poll (the agent drops a command id it already has); after {@link #MAX_DELIVERIES}
 * the command is failed instead, so one that kills its agent cannot do so forever. Restores are not
 * among them: {@code RunClaimer} fails an abandoned restore (its run has a state the user sees);
 * NAS commands are settled by the agent's own mount list at start.
 */
final class CommandRedelivery {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRedelivery.class);

  /** Types whose second run does no harm: idempotent, or read-only. */
  static final Set<String> TYPES =
      Set.of(
          "cancel",
          "maintenance_quick",
          "maintenance_full",
          "verify",
          "snapshot_browse",
          "snapshot_diff");

  static final int MAX_DELIVERIES = 5;

  static final String NEVER_ACKNOWLEDGED =
      "AGENT_RESTARTED: the agent received this command "
          + MAX_DELIVERIES
          + " times and never recorded it; request it again";

  private final Db db;
  private final Duration lease;

  CommandRedelivery(Db db, Duration lease) {
    this.db = db;
    this.lease = lease;
  }

  /**
   * The agent's unacknowledged commands past the lease, now delivered again (oldest first); those
   * delivered too often are failed. Each move is conditional on the delivery time we read, so two
   * concurrent polls hand a command out once.
   */
  List<Row> takeLost(long agentId, Instant now) {
    List<Row> lost =
        db.query(
            "SELECT * FROM s3_cloudbackup_run_commands WHERE agent_id = ? AND status = 'delivered'"
                + " AND acknowledged_at IS NULL AND delivered_at < ? ORDER BY id LIMIT 50",
            agentId,
            now.minus(lease));
    List<Row> out = new ArrayList<>();
    for (Row c : lost) {
      if (!TYPES.contains(c.str("type"))) {
        continue;
      }
      long id = c.lng("id");
      long deliveries = c.lng("deliveries", 0);
      if (deliveries >= MAX_DELIVERIES) {
        int n =
            db.update(
                "UPDATE s3_cloudbackup_run_commands SET status = 'failed', result_message = ?,"
                    + " completed_at = ?, updated_at = ? WHERE id = ? AND status = 'delivered' AND"
                    + " acknowledged_at IS NULL",
                NEVER_ACKNOWLEDGED,
                now,
                now,
                id);
        if (n == 1) {
          LOG.warn(
              "event=command_never_acknowledged command_id={} type={} agent_id={} deliveries={}",
              id,
              c.str("type"),
              agentId,
              deliveries);
        }
        continue;
      }
      int n =
          db.update(
              "UPDATE s3_cloudbackup_run_commands SET delivered_at = ?, deliveries = deliveries +"
                  + " 1, updated_at = ? WHERE id = ? AND status = 'delivered' AND acknowledged_at"
                  + " IS NULL AND delivered_at = ?",
              now,
              now,
              id,
              c.get("delivered_at"));
      if (n == 1) {
        LOG.info(
            "event=command_redelivered command_id={} type={} agent_id={} delivery={}",
            id,
            c.str("type"),
            agentId,
            deliveries + 1);
        out.add(c);
      }
    }
    return out;
  }
}
