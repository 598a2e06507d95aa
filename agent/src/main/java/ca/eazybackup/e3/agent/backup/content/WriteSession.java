package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer session (kopia repo/content/sessions.go): its id names every pack and index blob written
 * until the next index commit, and its marker blob {@code s<hash>-<id>} (JSON {@code id, startTime,
 * checkpointTime, username, hostname}) tells maintenance, until it is deleted after the commit,
 * that unindexed packs of this session are still being written and must not be collected.
 */
final class WriteSession {
  private static final Logger LOG = LoggerFactory.getLogger(WriteSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlobStorage storage;
  private final NamedBlobs namedBlobs;
  private final Clock clock;
  private String id;
  private String markerBlobId;
  private int indexBlobs;

  WriteSession(BlobStorage storage, NamedBlobs namedBlobs, Clock clock) {
    this.storage = storage;
    this.namedBlobs = namedBlobs;
    this.clock = clock;
  }

  /** The open session's id, starting one (and writing its marker) if none is open. */
  synchronized String id() throws IOException {
    if (id == null) {
      String sid = SessionIds.next(clock.instant());
      markerBlobId = writeMarker(sid);
      id = sid;
    }
    return id;
  }

  /** The suffix of the session's next index blob: {@code <id>-c<n>}, n counting from 1. */
  synchronized String nextIndexSuffix() throws IOException {
    String sid = id != null ? id : SessionIds.next(clock.instant());
    return sid + "-c" + (++indexBlobs);
  }

  /** Ends the session after its index is committed: the marker goes, the next write starts anew. */
  synchronized void close() {
    String marker = markerBlobId;
    LOG.debug("event=session_closed session={}", id);
    id = null;
    markerBlobId = null;
    indexBlobs = 0;
    if (marker != null) {
      try {
        storage.delete(marker);
      } catch (IOException ex) {
        LOG.warn(
            "event=session_marker_delete_failed blob={} error=\"{}\"", marker, ex.getMessage());
      }
    }
  }

  private String writeMarker(String sid) throws IOException {
    String now =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC));
    ObjectNode marker = JSON.createObjectNode();
    marker.put("id", sid);
    marker.put("startTime", now);
    marker.put("checkpointTime", now);
    marker.put("username", System.getProperty("user.name", "e3"));
    marker.put("hostname", Host.NAME);
    NamedBlobs.Encrypted e = namedBlobs.encrypt("s", JSON.writeValueAsBytes(marker), sid);
    storage.put(e.blobId(), e.body());
    return e.blobId();
  }

  /** Looked up once: InetAddress.getLocalHost can take seconds when DNS is slow. */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      for (String env : List.of("COMPUTERNAME", "HOSTNAME")) {
        String v = System.getenv(env);
        if (v != null && !v.isBlank()) {
          return v;
        }
      }
      try {
        Path etc = Path.of("/etc/hostname");
        if (Files.isReadable(etc)) {
          return Files.readString(etc).trim();
        }
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
