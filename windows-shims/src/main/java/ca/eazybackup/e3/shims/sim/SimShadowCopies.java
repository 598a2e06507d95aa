package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShadowCopy;
import ca.eazybackup.e3.shims.ShadowCopyException;
import ca.eazybackup.e3.shims.ShadowInfo;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VssError;
import ca.eazybackup.e3.shims.WindowsPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * VSS on the simulated machine: a shadow copy is a frozen copy of the drive folder under {@code
 * <root>/shadows/<id>}, made as {@code Win32_ShadowCopy.Create} would be, with its failures: not
 * elevated → ACCESS_DENIED; a volume that is no local drive → VOLUME_NOT_FOUND or
 * VOLUME_NOT_SUPPORTED; another program's snapshot in progress ({@link
 * SimulatedWindowsHost#occupyVss}) → IN_PROGRESS; more data than the volume's shadow storage
 * ({@code shadow_storage_bytes} in {@code volumes.json}) → INSUFFICIENT_STORAGE; slower than the
 * caller's timeout ({@link SimulatedWindowsHost#slowVss}) → TIMEOUT. Files locked by other
 * processes are copied like any other: VSS reads below their share modes.
 */
final class SimShadowCopies implements ShadowCopies {
  private final SimulatedWindowsHost host;

  SimShadowCopies(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public ShadowCopy create(String volume, Path exposeUnder, Duration timeout) throws ShimException {
    String vol = volume;
    try {
      WindowsPath parsed;
      try {
        parsed = WindowsPath.parse(volume);
      } catch (ShimException e) {
        throw new ShadowCopyException(volume, VssError.INVALID_ARGUMENT);
      }
      if (parsed.kind() != WindowsPath.Kind.DRIVE) {
        throw new ShadowCopyException(volume, VssError.VOLUME_NOT_SUPPORTED);
      }
      vol = parsed.root();
      if (!host.elevation().isElevated()) {
        throw new ShadowCopyException(vol, VssError.ACCESS_DENIED);
      }
      Path drive =
          host.fixedDrive(parsed.driveLetter())
              .orElseThrow(() -> new ShadowCopyException(volume, VssError.VOLUME_NOT_FOUND));
      long limit = host.shadowStorageLimit(parsed.driveLetter());
      String volumeRoot = vol;
      long delay =
          host.store()
              .update(
                  state -> {
                    if (state.vssBusyUntilMillis > System.currentTimeMillis()) {
                      throw new ShadowCopyException(volumeRoot, VssError.IN_PROGRESS);
                    }
                    if (limit >= 0 && treeSize(drive) > limit) {
                      throw new ShadowCopyException(volumeRoot, VssError.INSUFFICIENT_STORAGE);
                    }
                    // Our own operation now holds VSS, as another program's would.
                    state.vssBusyUntilMillis = System.currentTimeMillis() + 60_000;
                    return state.vssCreateDelayMillis;
                  });
      try {
        if (delay > timeout.toMillis()) {
          sleep(timeout);
          throw new ShadowCopyException(vol, VssError.TIMEOUT);
        }
        sleep(Duration.ofMillis(delay));
        String id = "{" + UUID.randomUUID().toString().toUpperCase(Locale.ROOT) + "}";
        Path folder = host.root().resolve("shadows").resolve(id.substring(1, id.length() - 1));
        copyTree(drive, folder);
        long now = System.currentTimeMillis();
        String kill =
            host.store()
                .update(
                    state -> {
                      state.shadowCopies.add(
                          new SimState.Shadow(id, volumeRoot, folder.toString(), now));
                      String k = state.vssKillAfterCreate;
                      state.vssKillAfterCreate = null;
                      state.vssBusyUntilMillis = 0; // a dead process holds VSS no more
                      return k;
                    });
        host.journal().ok("vss.create", "volume", vol, "id", id);
        if ("halt".equals(kill)) {
          Runtime.getRuntime().halt(137);
        } else if (kill != null) {
          throw new SimulatedWindowsHost.SimulatedKill("after VSS made " + id + " of " + vol);
        }
        return new ShadowCopy(
            id,
            vol,
            "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy" + Math.abs(id.hashCode() % 100),
            drive,
            folder);
      } finally {
        host.store()
            .update(
                state -> {
                  state.vssBusyUntilMillis = 0;
                  return null;
                });
      }
    } catch (ShadowCopyException e) {
      host.journal().failed("vss.create", e.vssError().name(), e.vssError().code(), "volume", vol);
      throw e;
    }
  }

  @Override
  public void release(ShadowCopy shadow) throws ShimException {
    delete(shadow.id());
  }

  @Override
  public void delete(String id) throws ShimException {
    String folder =
        host.store()
            .update(
                state -> {
                  for (SimState.Shadow s : state.shadowCopies) {
                    if (s.id().equalsIgnoreCase(id)) {
                      state.shadowCopies.remove(s);
                      return s.folder();
                    }
                  }
                  return null;
                });
    if (folder != null) {
      deleteTree(Path.of(folder));
      host.journal().ok("vss.delete", "id", id);
    }
  }

  @Override
  public List<String> list() throws ShimException {
    return host.store()
        .read(state -> state.shadowCopies.stream().map(SimState.Shadow::id).toList());
  }

  @Override
  public List<ShadowInfo> shadows() throws ShimException {
    return host.store()
        .read(
            state ->
                state.shadowCopies.stream()
                    .map(
                        s ->
                            new ShadowInfo(
                                s.id(), s.volume(), Instant.ofEpochMilli(s.createdAtMillis())))
                    .toList());
  }

  private static long treeSize(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws ShimException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new ShimException("simulated shadow copy of " + from + " failed: " + e, e);
    }
  }

  private static void deleteTree(Path dir) throws ShimException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new ShimException("cannot delete simulated shadow copy " + dir + ": " + e, e);
    }
  }

  private static void sleep(Duration d) throws ShimException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShimException("interrupted while VSS worked", e);
    }
  }
}
