package ca.eazybackup.e3.agent.backup.index;

import java.util.function.Consumer;

/** One decoded index (an index blob or a pack's local index), searched in place. */
public interface PackIndex {
  /** The entry for {@code id}, deleted or not, or null. */
  ContentInfo get(ContentId id);

  /** Entries in id order. */
  void forEach(Consumer<ContentInfo> each);

  int size();

  /** The {@code i}-th entry in id order ({@code 0 <= i < size()}), for merging indexes in order. */
  ContentInfo entry(int i);
}
