package ca.eazybackup.e3.agent.sync;

import java.io.IOException;

/** The file changed while it was read for upload; what was read is thrown away, never stored. */
final class FileChangedException extends IOException {
  private static final long serialVersionUID = 1L;

  FileChangedException(String message) {
    super(message);
  }
}
