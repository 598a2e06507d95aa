package ca.eazybackup.e3.shims;

/** Tells Explorer that drives changed (SHChangeNotify, WM_SETTINGCHANGE). */
public interface ShellNotifier {

  void driveAdded(char letter);

  void driveRemoved(char letter);

  /**
   * Opens an Explorer window on the drive (ShellExecute "explore"), which also makes Windows set up
   * the WebDAV connection at once (the seed's "auto-open the drive in Explorer after mounting").
   * Best effort, like the notifications: a host without a desktop does nothing.
   */
  default void open(char letter) {}
}
