package ca.eazybackup.e3.shims;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opening a file to back it up, as Windows decides: a file another process holds open without
 * sharing fails with ERROR_SHARING_VIOLATION (32), unless it is read from a shadow copy.
 */
public interface SourceFiles {

  InputStream open(Path path) throws IOException;

  /** The operating system's own rules (Windows enforces share modes itself). */
  SourceFiles NATIVE = Files::newInputStream;
}
