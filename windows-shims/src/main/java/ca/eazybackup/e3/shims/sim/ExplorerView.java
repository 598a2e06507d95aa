package ca.eazybackup.e3.shims.sim;

import java.util.Map;
import java.util.Set;

/**
 * What a non-elevated Explorer window sees.
 *
 * @param drives network drives visible to the non-elevated session, letter → remote
 * @param needsRefresh those among them Explorer was not told about (no SHChangeNotify since they
 *     were mapped): they appear only after F5
 */
public record ExplorerView(Map<Character, String> drives, Set<Character> needsRefresh) {

  public ExplorerView {
    drives = Map.copyOf(drives);
    needsRefresh = Set.copyOf(needsRefresh);
  }

  /** Visible and announced: shows up in Explorer without the user refreshing. */
  public boolean shows(char letter) {
    char l = Character.toUpperCase(letter);
    return drives.containsKey(l) && !needsRefresh.contains(l);
  }
}
