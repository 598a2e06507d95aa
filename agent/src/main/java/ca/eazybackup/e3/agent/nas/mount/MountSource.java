package ca.eazybackup.e3.agent.nas.mount;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The addon's list of this agent's drives ({@code agent_list_mounts.php}): each entry a {@code
 * nas_mount} payload plus {@code auto_mount}.
 */
@FunctionalInterface
public interface MountSource {
  List<JsonNode> mounts() throws Exception;
}
