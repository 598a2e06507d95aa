package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.nas.mount.NasMounts;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the Cloud NAS drives to the runtime: their reports go through the outbox's journal (so a
 * status survives an addon outage and a kill -9, in order, the latest per drive), their list comes
 * from {@code agent_list_mounts}, their cache figures are refreshed at the heartbeat's pace, and
 * their folder is {@code <runs>/nas}.
 */
final class NasWiring {
  private static final Logger log = LoggerFactory.getLogger(NasWiring.class);

  private NasWiring() {}

  static NasMounts mounts(AgentRuntime runtime) {
    return new NasMounts(
        runtime.host(),
        runtime.s3(),
        runtime.config().runsDir().resolve("nas"),
        (mountId, status, error, cacheBytes, warning) ->
            runtime.outbox().nasStatus(mountId, status, error, cacheBytes, warning),
        runtime.settings().heartbeatInterval());
  }

  /**
   * Mounts persistent drives again and uploads leftovers; on its own thread, never throws. An addon
   * without {@code agent_list_mounts} (a refusal, not an outage) means no drive to mount again.
   */
  static void startUp(AgentRuntime runtime, NasMounts nas, AgentApiClient api) {
    try {
      nas.startUp(
          () -> {
            try {
              return api.listMounts();
            } catch (ApiException e) {
              if (e.isTransient()) {
                throw e;
              }
              log.warn("nas.list_mounts_refused error={}", e.getMessage());
              return List.of();
            }
          },
          runtime.settings().backoffBase(),
          runtime.settings().backoffCap());
    } catch (RuntimeException e) {
      log.error("nas.auto_mount_bug error={}", e.toString(), e);
    }
  }
}
