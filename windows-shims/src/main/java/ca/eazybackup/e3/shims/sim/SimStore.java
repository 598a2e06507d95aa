package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ShimException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Loads and saves {@link SimState} under a file lock, so the agent process, its service commands
 * and the test that drives them all see one Windows.
 */
final class SimStore {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** One lock per JVM in front of the file lock (a JVM may not lock one file twice). */
  private static final Object JVM_LOCK = new Object();

  /** A change to the state that may fail like the Windows call it models. */
  interface Change<T> {
    T apply(SimState state) throws ShimException;
  }

  private final Path stateFile;
  private final Path lockFile;
  private final Consumer<SimState> initializer;

  SimStore(Path root, Consumer<SimState> initializer) {
    this.stateFile = root.resolve("state.json");
    this.lockFile = root.resolve("state.lock");
    this.initializer = initializer;
  }

  /** Runs {@code change} on the current state and saves it if it returned normally. */
  <T> T update(Change<T> change) throws ShimException {
    synchronized (JVM_LOCK) {
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        SimState state = load();
        T result = change.apply(state);
        save(state);
        return result;
      } catch (IOException e) {
        throw new ShimException("simulated host state " + stateFile + " unusable: " + e, e);
      }
    }
  }

  /** Reads without saving; for queries. */
  <T> T read(Change<T> query) throws ShimException {
    synchronized (JVM_LOCK) {
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return query.apply(load());
      } catch (IOException e) {
        throw new ShimException("simulated host state " + stateFile + " unusable: " + e, e);
      }
    }
  }

  /** Runs {@code action} while holding the lock (the journal appends under it). */
  void locked(Runnable action) {
    synchronized (JVM_LOCK) {
      action.run();
    }
  }

  private SimState load() throws IOException {
    if (!Files.exists(stateFile)) {
      SimState fresh = new SimState();
      initializer.accept(fresh);
      return fresh;
    }
    return JSON.readValue(Files.readAllBytes(stateFile), SimState.class);
  }

  private void save(SimState state) throws IOException {
    Path tmp = stateFile.resolveSibling("state.json.tmp");
    Files.write(tmp, JSON.writeValueAsBytes(state));
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
