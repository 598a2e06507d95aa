package ca.eazybackup.e3.agent.backup.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a verify found: counts of what was checked and every problem, each naming the damaged blob,
 * content or snapshot path. {@code problemCount} may exceed {@code problems().size()}: only the
 * first {@link Verifier#MAX_LISTED_PROBLEMS} are kept, so a wrecked repository cannot fill memory.
 */
public record VerifyReport(
    int snapshots,
    long directories,
    long files,
    long contents,
    long packsReferenced,
    long packsRead,
    long bytesRead,
    int readDataPercent,
    long problemCount,
    List<String> problems) {

  public boolean ok() {
    return problemCount == 0;
  }

  public String summary() {
    String checked =
        snapshots
            + " snapshots, "
            + directories
            + " directories, "
            + files
            + " files, "
            + contents
            + " contents in "
            + packsReferenced
            + " packs"
            + (readDataPercent > 0
                ? "; " + packsRead + " packs (" + bytesRead + " bytes) read and decrypted"
                : "");
    if (ok()) {
      return "verify: repository is healthy: " + checked;
    }
    return "verify: "
        + problemCount
        + " problem"
        + (problemCount == 1 ? "" : "s")
        + " found ("
        + checked
        + "): "
        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
        + (problemCount > 5 ? "; …" : "");
  }

  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("snapshots", snapshots);
    m.put("directories", directories);
    m.put("files", files);
    m.put("contents", contents);
    m.put("packs_referenced", packsReferenced);
    m.put("packs_read", packsRead);
    m.put("bytes_read", bytesRead);
    m.put("read_data_percent", readDataPercent);
    m.put("problems", problemCount);
    return m;
  }
}
