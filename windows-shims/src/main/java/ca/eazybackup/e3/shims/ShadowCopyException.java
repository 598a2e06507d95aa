package ca.eazybackup.e3.shims;

/** A shadow copy could not be made or removed; {@link #vssError()} says why. */
public final class ShadowCopyException extends ShimException {
  private static final long serialVersionUID = 1L;

  private final VssError vssError;

  public ShadowCopyException(String volume, VssError error) {
    super("shadow copy of " + volume + " failed: " + error.describe());
    this.vssError = error;
  }

  public VssError vssError() {
    return vssError;
  }
}
