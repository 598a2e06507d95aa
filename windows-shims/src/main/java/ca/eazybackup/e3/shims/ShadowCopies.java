package ca.eazybackup.e3.shims;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Volume shadow copies (VSS) for backups: a point-in-time, read-only copy of a volume in which
 * files other processes hold open without sharing (PSTs, databases) can be read. On Windows through
 * WMI's {@code Win32_ShadowCopy} (COM, no vssadmin or PowerShell); it needs an elevated process.
 */
public interface ShadowCopies {

  /**
   * Creates a shadow copy of {@code volume} ({@code C:\}) and exposes its root as a folder under
   * {@code exposeUnder} this process can read. Fails with {@link ShadowCopyException} naming the
   * {@link VssError}, or {@link VssError#TIMEOUT} when VSS did not answer within {@code timeout} (a
   * shadow that appears later is deleted when it does).
   */
  ShadowCopy create(String volume, Path exposeUnder, Duration timeout) throws ShimException;

  /** Removes the exposure and deletes the shadow copy; no error when it is already gone. */
  void release(ShadowCopy shadow) throws ShimException;

  /** Deletes the shadow copy {@code id} (cleanup after a killed run); no error when it is gone. */
  void delete(String id) throws ShimException;

  /** Ids of the shadow copies that exist now. */
  List<String> list() throws ShimException;

  /**
   * The shadow copies that exist now with their volume and creation time (a killed run's copy is
   * found by these when the run died before it could record the id).
   */
  List<ShadowInfo> shadows() throws ShimException;
}
