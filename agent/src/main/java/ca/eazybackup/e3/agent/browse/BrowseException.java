package ca.eazybackup.e3.agent.browse;

/** A browse request that cannot be answered; the message goes to the user as is. */
public final class BrowseException extends Exception {
  private static final long serialVersionUID = 1L;

  public BrowseException(String message) {
    super(message);
  }

  public BrowseException(String message, Throwable cause) {
    super(message, cause);
  }
}
