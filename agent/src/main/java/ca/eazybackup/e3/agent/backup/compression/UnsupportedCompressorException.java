package ca.eazybackup.e3.agent.backup.compression;

import java.io.IOException;

/** A compressor Kopia knows but this agent cannot run (or a name/id nobody knows). */
public final class UnsupportedCompressorException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnsupportedCompressorException(String message) {
    super(message);
  }
}
