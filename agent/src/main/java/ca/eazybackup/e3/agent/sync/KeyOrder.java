package ca.eazybackup.e3.agent.sync;

import java.util.Comparator;

/**
 * The order S3 lists keys in: by UTF-8 bytes, which is the same as by Unicode code points (and
 * differs from {@link String#compareTo}, which compares UTF-16 units, for characters above U+FFFF).
 * The local walk emits keys in this order so the two streams can be merged without holding either
 * in memory.
 */
final class KeyOrder implements Comparator<String> {
  static final KeyOrder INSTANCE = new KeyOrder();

  private KeyOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (ca == cb) {
        i++;
        j++;
        continue;
      }
      int cpa = a.codePointAt(i);
      int cpb = b.codePointAt(j);
      if (cpa != cpb) {
        return Integer.compare(cpa, cpb);
      }
      i += Character.charCount(cpa);
      j += Character.charCount(cpb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
