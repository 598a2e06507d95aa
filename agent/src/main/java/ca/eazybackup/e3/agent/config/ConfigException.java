package ca.eazybackup.e3.agent.config;

/** {@code agent.conf} cannot be used; the message names the file and the field to fix. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
