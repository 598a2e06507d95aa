package ca.eazybackup.e3.agent.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the engine opens a source file for reading: the one seam through which all file content is
 * read, so tests can count reads and inject faults (a locked file on Windows, which root on Linux
 * cannot reproduce with permissions).
 */
interface FileOpener {
  FileOpener DEFAULT = Files::newInputStream;

  InputStream open(Path path) throws IOException;
}
