package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.io.IOException;

/** No live index entry names this content. */
public final class ContentNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ContentNotFoundException(ContentId id) {
    super("content " + id + " not found");
  }
}
