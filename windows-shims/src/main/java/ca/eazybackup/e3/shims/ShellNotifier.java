package ca.eazybackup.e3.shims;

/** Tells Explorer that drives changed (SHChangeNotify, WM_SETTINGCHANGE). */
public interface ShellNotifier {

  void driveAdded(char letter);

  void driveRemoved(char letter);
}
