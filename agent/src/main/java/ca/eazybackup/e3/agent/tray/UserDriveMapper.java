package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.agent.nas.mount.MountException;
import ca.eazybackup.e3.agent.nas.mount.WindowsDrive;
import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.WindowsHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray helper's half of a Cloud NAS drive: the service serves the bucket over WebDAV but runs
 * elevated, and Windows shows Explorer only the mappings of the user's own (unelevated) session; so
 * the helper, running in that session, maps the drives the service lists, with the same rules as
 * the agent's own mapping (a stale loopback mapping on the letter is replaced, a letter the user
 * uses is left alone and reported, label, Explorer told), and removes the ones it mapped that the
 * service no longer lists.
 */
public final class UserDriveMapper {
  private static final Logger LOG = LoggerFactory.getLogger(UserDriveMapper.class);

  private final WindowsDrive drive;
  private final Map<Character, String> mapped = new HashMap<>();

  public UserDriveMapper(WindowsHost host) {
    this.drive = new WindowsDrive(host);
  }

  /** Brings this session's mappings in line with {@code drives}; one line per change or problem. */
  public List<String> apply(List<AgentStatus.Drive> drives) {
    List<String> out = new ArrayList<>();
    Map<Character, AgentStatus.Drive> wanted = new HashMap<>();
    for (AgentStatus.Drive d : drives) {
      if (usable(d) && d.served()) {
        wanted.put(letterOf(d), d);
      }
    }
    for (AgentStatus.Drive d : drives) {
      if (usable(d) && !d.served() && !wanted.containsKey(letterOf(d))) {
        unmapIfStillTo(letterOf(d), d.url(), out);
      }
    }
    for (Map.Entry<Character, String> e : List.copyOf(mapped.entrySet())) {
      AgentStatus.Drive now = wanted.get(e.getKey());
      if (now == null || !now.url().equals(e.getValue())) {
        unmapIfStillTo(e.getKey(), e.getValue(), out);
      }
    }
    for (Map.Entry<Character, AgentStatus.Drive> e : wanted.entrySet()) {
      char letter = e.getKey();
      AgentStatus.Drive d = e.getValue();
      try {
        DriveUse use = drive.checkLetter(letter);
        if (use.kind() == DriveUse.Kind.NETWORK
            && use.remote() != null
            && WindowsDrive.sameTarget(use.remote(), d.url())) {
          mapped.put(letter, d.url());
          continue;
        }
        drive.map(letter, d.url(), d.label(), use);
        mapped.put(letter, d.url());
        out.add("drive " + letter + ": mapped to " + d.url() + " in this session");
        LOG.info("tray.drive_mapped letter={} url={}", letter, d.url());
      } catch (MountException ex) {
        out.add(ex.getMessage());
        LOG.warn("tray.drive_map_failed letter={} error={}", letter, ex.getMessage());
      }
    }
    return out;
  }

  private static boolean usable(AgentStatus.Drive d) {
    return d.letter() != null && !d.letter().isEmpty() && d.url() != null;
  }

  private static char letterOf(AgentStatus.Drive d) {
    return Character.toUpperCase(d.letter().charAt(0));
  }

  /** Removes the mapping of {@code letter} when it still goes to {@code url} (not a newer one). */
  private void unmapIfStillTo(char letter, String url, List<String> out) {
    mapped.remove(letter);
    try {
      DriveUse use = drive.checkLetter(letter);
      if (use.kind() == DriveUse.Kind.NETWORK
          && use.remote() != null
          && WindowsDrive.sameTarget(use.remote(), url)) {
        drive.unmap(letter, url);
        out.add("drive " + letter + ": removed (no longer served)");
        LOG.info("tray.drive_unmapped letter={} url={}", letter, url);
      }
    } catch (MountException ex) {
      // A local drive or the user's own mapping on the letter now: nothing of ours to remove.
      LOG.debug("tray.drive_left letter={} reason={}", letter, ex.getMessage());
    }
  }

  /** Drops every mapping this helper made (at exit: the service's drives need a helper). */
  public void removeAll() {
    for (Map.Entry<Character, String> e : List.copyOf(mapped.entrySet())) {
      try {
        drive.unmap(e.getKey(), e.getValue());
      } catch (MountException ex) {
        LOG.warn("tray.drive_unmap_failed letter={} error={}", e.getKey(), ex.getMessage());
      }
    }
    mapped.clear();
  }
}
