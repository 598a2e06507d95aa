package ca.eazybackup.e3.agent.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an engine reads a backup's sources: the live folders, or the same folders inside a VSS
 * shadow copy of their volume. Engines keep naming a source by its live path (snapshot identity,
 * key prefixes, tags); only the walk and the reads go through {@link #readRoot} and {@link #open}.
 */
public interface SourceAccess {

  /** The folder to walk for the live source folder {@code source} (itself without a shadow). */
  Path readRoot(Path source);

  /** Opens a file found under a {@link #readRoot}, with the host's share-mode rules. */
  InputStream open(Path file) throws IOException;

  /** The live files, opened as the operating system allows. */
  SourceAccess LIVE =
      new SourceAccess() {
        @Override
        public Path readRoot(Path source) {
          return source;
        }

        @Override
        public InputStream open(Path file) throws IOException {
          return Files.newInputStream(file);
        }
      };
}
