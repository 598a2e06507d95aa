package ca.eazybackup.e3.agent.backup.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/** One manifest (Kopia repo/manifest): id, labels, modification time and a JSON payload. */
public record ManifestEntry(
    String id, Map<String, String> labels, Instant modified, boolean deleted, JsonNode data) {

  public ManifestEntry {
    labels = Map.copyOf(labels);
  }

  public boolean matches(Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      if (!w.getValue().equals(labels.get(w.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
