package ca.eazybackup.e3.shims;

/** Logs on to and off from {@code \\server\share} (WNetAddConnection2 without a drive letter). */
public interface NetworkShares {

  /** Connects with explicit credentials; the password is never logged or put in a message. */
  void connect(String shareRoot, String username, char[] password, String domain)
      throws ShimException;

  void disconnect(String shareRoot) throws ShimException;
}
