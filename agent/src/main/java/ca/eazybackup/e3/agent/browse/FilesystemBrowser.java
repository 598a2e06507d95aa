package ca.eazybackup.e3.agent.browse;

import ca.eazybackup.e3.shims.WindowsHost;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers {@code browse_directory}: drives when the path is empty, else one folder's entries
 * (folders first, at most 1000), refusing traversal. Placeholder until the browser lands.
 */
public final class FilesystemBrowser {
  private final WindowsHost host;

  public FilesystemBrowser(WindowsHost host) {
    this.host = host;
  }

  /** The {@code result} object of {@code agent_report_browse.php}. */
  public ObjectNode browse(String path) throws BrowseException {
    throw new BrowseException(
        "filesystem browsing is not available in this build yet (" + host + ")");
  }
}
