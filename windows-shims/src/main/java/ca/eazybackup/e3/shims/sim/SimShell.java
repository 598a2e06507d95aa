package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ShellNotifier;
import ca.eazybackup.e3.shims.ShimException;

/** Records shell notifications; Explorer shows a mapped drive without F5 once it was announced. */
final class SimShell implements ShellNotifier {
  private final SimulatedWindowsHost host;

  SimShell(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public void driveAdded(char letter) {
    String l = String.valueOf(Character.toUpperCase(letter));
    change(l, true);
    host.journal().ok("shell.drive_added", "letter", l + ":");
  }

  @Override
  public void driveRemoved(char letter) {
    String l = String.valueOf(Character.toUpperCase(letter));
    change(l, false);
    host.journal().ok("shell.drive_removed", "letter", l + ":");
  }

  /** Journals {@code shell.open}: the window a user would see pop up on the new drive. */
  @Override
  public void open(char letter) {
    String l = String.valueOf(Character.toUpperCase(letter));
    host.journal().ok("shell.open", "letter", l + ":");
  }

  private void change(String letter, boolean added) {
    try {
      host.store()
          .update(
              state -> {
                if (added) {
                  state.announced.add(letter);
                } else {
                  state.announced.remove(letter);
                }
                return null;
              });
    } catch (ShimException e) {
      // A notification is best effort on Windows too (SHChangeNotify returns nothing).
      host.journal().failed("shell.notify", "UNKNOWN", 0, "letter", letter + ":");
    }
  }
}
