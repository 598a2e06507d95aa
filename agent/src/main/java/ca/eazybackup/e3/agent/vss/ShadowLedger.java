package ca.eazybackup.e3.agent.vss;

import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShadowInfo;
import ca.eazybackup.e3.shims.ShimException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow copies this agent is making or has made and not yet released, in {@code
 * vss-shadows.json} of the state folder. A shadow copy outlives a killed agent (VSS keeps it until
 * deleted, holding shadow storage and counting against the 64-per-volume maximum), so at start the
 * agent deletes what is left here ({@link #cleanUp}).
 *
 * <p>VSS only tells the id once the copy exists ({@code Win32_ShadowCopy.Create} is one call), so a
 * kill between that call and writing the id would leave a copy nobody knows. Hence an
 * <em>intent</em> is written first, fsynced: the volume, the time, and the ids of the copies that
 * existed then. After a kill, the copy the intent made is the earliest copy of that volume made at
 * or after that time and not among those ids: VSS makes one snapshot at a time (a second request
 * fails with "another shadow copy operation is already in progress"), so no other program's copy
 * can have been made between our request and our copy.
 */
public final class ShadowLedger {
  public static final String FILE = "vss-shadows.json";
  private static final Logger LOG = LoggerFactory.getLogger(ShadowLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** VSS stamps a copy's InstallDate with whole seconds on some providers. */
  private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

  private final Path file;

  public ShadowLedger(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  /**
   * A shadow copy about to be requested; {@code known} existed before the request; a copy made
   * after {@code latest} (the caller's timeout, plus a minute) is not this request's.
   */
  public record Intent(
      @JsonProperty("volume") String volume,
      @JsonProperty("requested_at") String requestedAt,
      @JsonProperty("latest") String latest,
      @JsonProperty("known") List<String> known) {}

  /** The file: ids made and not released, and intents whose copy may exist without an id. */
  record Contents(
      @JsonProperty("shadows") List<String> shadows,
      @JsonProperty("pending") List<Intent> pending) {}

  /**
   * Records, durably (written, fsynced, renamed, the folder fsynced), that a shadow copy of {@code
   * volume} is about to be made; call before asking VSS, with the ids that exist now.
   */
  public synchronized Intent intend(
      String volume, List<String> known, Instant now, Duration timeout) throws IOException {
    Intent intent =
        new Intent(
            volume,
            now.toString(),
            now.plus(timeout).plus(Duration.ofMinutes(1)).toString(),
            List.copyOf(known));
    Contents c = read();
    List<Intent> pending = new ArrayList<>(c.pending());
    pending.add(intent);
    write(new Contents(c.shadows(), pending));
    return intent;
  }

  /** The intent's copy exists as {@code id}: one write swaps the intent for the id. */
  public synchronized void made(Intent intent, String id) throws IOException {
    Contents c = read();
    List<Intent> pending = new ArrayList<>(c.pending());
    pending.remove(intent);
    Set<String> ids = new LinkedHashSet<>(c.shadows());
    ids.add(id);
    write(new Contents(new ArrayList<>(ids), pending));
  }

  /** VSS refused the request: no copy was made for this intent. */
  public synchronized void abandon(Intent intent) throws IOException {
    Contents c = read();
    List<Intent> pending = new ArrayList<>(c.pending());
    if (pending.remove(intent)) {
      write(new Contents(c.shadows(), pending));
    }
  }

  public synchronized void add(String id) throws IOException {
    Contents c = read();
    Set<String> ids = new LinkedHashSet<>(c.shadows());
    ids.add(id);
    write(new Contents(new ArrayList<>(ids), c.pending()));
  }

  public synchronized void remove(String id) throws IOException {
    Contents c = read();
    Set<String> ids = new LinkedHashSet<>(c.shadows());
    if (ids.remove(id)) {
      write(new Contents(new ArrayList<>(ids), c.pending()));
    }
  }

  public synchronized List<String> ids() throws IOException {
    return new ArrayList<>(read().shadows());
  }

  public synchronized List<Intent> pending() throws IOException {
    return new ArrayList<>(read().pending());
  }

  /**
   * Deletes the shadow copies a killed run left (at agent start, when no run holds one): the
   * recorded ids, and for each intent the copy it made if there is one. Ids VSS no longer knows are
   * dropped. Returns the ids deleted; what cannot be deleted stays listed for the next start.
   */
  public synchronized List<String> cleanUp(ShadowCopies vss) {
    List<String> deleted = new ArrayList<>();
    Contents left;
    try {
      left = read();
    } catch (IOException e) {
      LOG.warn("vss.ledger_unreadable file={} error={}", file, e.toString());
      return deleted;
    }
    if (left.shadows().isEmpty() && left.pending().isEmpty()) {
      return deleted;
    }
    Set<String> keep = new LinkedHashSet<>();
    List<Intent> keepPending = new ArrayList<>();
    Set<String> toDelete = new LinkedHashSet<>(left.shadows());
    if (!left.pending().isEmpty()) {
      try {
        List<ShadowInfo> existing = vss.shadows();
        for (Intent intent : left.pending()) {
          madeBy(intent, existing, toDelete)
              .ifPresent(
                  id -> {
                    LOG.info(
                        "vss.unrecorded_shadow_found id={} volume={} requested_at={}",
                        id,
                        intent.volume(),
                        intent.requestedAt());
                    toDelete.add(id);
                  });
        }
      } catch (ShimException e) {
        LOG.warn("vss.list_failed error={}", e.getMessage());
        keepPending.addAll(left.pending());
      }
    }
    for (String id : toDelete) {
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
      write(new Contents(new ArrayList<>(keep), keepPending));
    } catch (IOException e) {
      LOG.warn("vss.ledger_unwritable file={} error={}", file, e.toString());
    }
    return deleted;
  }

  /**
   * The copy {@code intent} made: the earliest of its volume made at or after its request (less
   * {@link #CLOCK_SLACK}) and not after its latest time, not among the ids known then nor claimed
   * already.
   */
  static Optional<String> madeBy(Intent intent, List<ShadowInfo> existing, Set<String> claimed) {
    Instant from = Instant.parse(intent.requestedAt()).minus(CLOCK_SLACK);
    Instant to = Instant.parse(intent.latest());
    return existing.stream()
        .filter(s -> s.volume() != null && s.created() != null)
        .filter(s -> s.volume().equalsIgnoreCase(intent.volume()))
        .filter(s -> !s.created().isBefore(from) && !s.created().isAfter(to))
        .filter(s -> !containsIgnoringCase(intent.known(), s.id()))
        .filter(s -> !containsIgnoringCase(claimed, s.id()))
        .min(Comparator.comparing(ShadowInfo::created))
        .map(ShadowInfo::id);
  }

  private static boolean containsIgnoringCase(java.util.Collection<String> ids, String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    return ids.stream().anyMatch(i -> i.toLowerCase(Locale.ROOT).equals(lower));
  }

  private Contents read() throws IOException {
    if (!Files.exists(file)) {
      return new Contents(List.of(), List.of());
    }
    JsonNode tree = JSON.readTree(file.toFile());
    if (tree.isArray()) { // the format before intents: the ids only
      List<String> ids = new ArrayList<>();
      tree.forEach(n -> ids.add(n.asText()));
      return new Contents(ids, List.of());
    }
    Contents c = JSON.treeToValue(tree, Contents.class);
    return new Contents(
        c.shadows() == null ? List.of() : c.shadows(),
        c.pending() == null ? List.of() : c.pending());
  }

  /**
   * Replaces the file so that a crash at any point leaves the old or the new contents, and once
   * this returns the new contents survive a power cut: data fsynced before the rename, the folder
   * fsynced after it (where the platform can open a folder; Windows cannot, and NTFS journals the
   * rename).
   */
  private void write(Contents contents) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(contents));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows: a folder cannot be opened as a channel.
    }
  }
}
