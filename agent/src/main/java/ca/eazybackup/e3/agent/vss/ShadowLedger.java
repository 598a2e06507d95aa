package ca.eazybackup.e3.agent.vss;

import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShimException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow copies this agent has made and not yet released, in {@code vss-shadows.json} of the
 * state folder. A shadow copy outlives a killed agent (VSS keeps it until deleted, holding shadow
 * storage and counting against the 64-per-volume maximum), so at start the agent deletes every id
 * left here ({@link #cleanUp}). An id is written right after VSS returned it and removed after the
 * release; only a kill between those two steps of VSS and the write can leave an unlisted copy.
 */
public final class ShadowLedger {
  public static final String FILE = "vss-shadows.json";
  private static final Logger LOG = LoggerFactory.getLogger(ShadowLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public ShadowLedger(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  public synchronized void add(String id) throws IOException {
    Set<String> ids = read();
    ids.add(id);
    write(ids);
  }

  public synchronized void remove(String id) throws IOException {
    Set<String> ids = read();
    if (ids.remove(id)) {
      write(ids);
    }
  }

  public synchronized List<String> ids() throws IOException {
    return new ArrayList<>(read());
  }

  /**
   * Deletes the shadow copies a killed run left (at agent start, when no run holds one); ids VSS no
   * longer knows are dropped. Returns the ids deleted; one that cannot be deleted stays listed for
   * the next start.
   */
  public synchronized List<String> cleanUp(ShadowCopies vss) {
    List<String> deleted = new ArrayList<>();
    Set<String> left;
    try {
      left = read();
    } catch (IOException e) {
      LOG.warn("vss.ledger_unreadable file={} error={}", file, e.toString());
      return deleted;
    }
    if (left.isEmpty()) {
      return deleted;
    }
    Set<String> keep = new LinkedHashSet<>();
    for (String id : left) {
      try {
        vss.delete(id);
        deleted.add(id);
        LOG.info("vss.stale_shadow_deleted id={}", id);
      } catch (ShimException e) {
        keep.add(id);
        LOG.warn("vss.stale_shadow_delete_failed id={} error={}", id, e.getMessage());
      }
    }
    try {
      write(keep);
    } catch (IOException e) {
      LOG.warn("vss.ledger_unwritable file={} error={}", file, e.toString());
    }
    return deleted;
  }

  private Set<String> read() throws IOException {
    if (!Files.exists(file)) {
      return new LinkedHashSet<>();
    }
    return new LinkedHashSet<>(JSON.readValue(file.toFile(), new TypeReference<List<String>>() {}));
  }

  private void write(Set<String> ids) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(new ArrayList<>(ids)));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
