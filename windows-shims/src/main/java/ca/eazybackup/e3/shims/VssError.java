package ca.eazybackup.e3.shims;

/**
 * Why a shadow copy could not be made: the return values of {@code Win32_ShadowCopy.Create}
 * (Microsoft's "Create method of the Win32_ShadowCopy class"), each with what to do about it, plus
 * {@link #TIMEOUT} for a VSS that did not answer in time.
 */
public enum VssError {
  ACCESS_DENIED(1, "Access denied", "run the agent as the service or elevated"),
  INVALID_ARGUMENT(2, "Invalid argument", null),
  VOLUME_NOT_FOUND(3, "Specified volume not found", null),
  VOLUME_NOT_SUPPORTED(
      4, "Specified volume not supported", "VSS copies local NTFS/ReFS volumes only"),
  UNSUPPORTED_CONTEXT(5, "Unsupported shadow copy context", null),
  INSUFFICIENT_STORAGE(
      6,
      "Insufficient storage",
      "free space on the volume or allow more shadow storage (System Protection settings)"),
  VOLUME_IN_USE(7, "Volume is in use", "try again later"),
  MAXIMUM_REACHED(
      8, "Maximum number of shadow copies reached", "delete old shadow copies of the volume"),
  IN_PROGRESS(
      9,
      "Another shadow copy operation is already in progress",
      "another backup program is taking a snapshot; the agent retries"),
  PROVIDER_VETOED(10, "Shadow copy provider vetoed the operation", null),
  PROVIDER_NOT_REGISTERED(11, "Shadow copy provider not registered", null),
  PROVIDER_FAILURE(12, "Shadow copy provider failure", "check the Application event log (VSS)"),
  UNKNOWN(13, "Unknown error", "check the Application event log (VSS)"),
  TIMEOUT(-1, "VSS did not answer in time", "the Volume Shadow Copy service may be busy or hung");

  private final int code;
  private final String message;
  private final String hint;

  VssError(int code, String message, String hint) {
    this.code = code;
    this.message = message;
    this.hint = hint;
  }

  public int code() {
    return code;
  }

  /** {@code INSUFFICIENT_STORAGE (6): Insufficient storage; free space on …}. */
  public String describe() {
    return name() + " (" + code + "): " + message + (hint == null ? "" : "; " + hint);
  }

  /** The error for a Create return value; UNKNOWN for one Microsoft does not list. */
  public static VssError ofCode(int code) {
    for (VssError e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return UNKNOWN;
  }
}
