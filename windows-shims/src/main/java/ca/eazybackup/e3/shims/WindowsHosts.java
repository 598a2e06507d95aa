package ca.eazybackup.e3.shims;

/** Chooses the host implementation once per process. */
final class WindowsHosts {
  private WindowsHosts() {}

  static WindowsHost current() {
    throw new UnsupportedOperationException("filled in by the windows-shims implementation");
  }
}
