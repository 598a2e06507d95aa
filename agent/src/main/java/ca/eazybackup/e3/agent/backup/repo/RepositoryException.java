package ca.eazybackup.e3.agent.backup.repo;

import java.io.IOException;

/** The repository cannot be created or opened; the message tells the user what to do. */
public class RepositoryException extends IOException {
  private static final long serialVersionUID = 1L;

  public RepositoryException(String message) {
    super(message);
  }

  public RepositoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
