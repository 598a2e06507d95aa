package ca.eazybackup.e3.agent.engine;

import java.util.Locale;

/** Terminal run states, spelled as the addon stores them. */
public enum RunStatus {
  SUCCESS,
  WARNING,
  FAILED,
  CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
