package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.index.ContentId;

/**
 * A Kopia object id (repo/object/objectid.go): a content id, or {@code I} + the id of a list object
 * (nesting gives {@code II…}). Legacy forms read from old repositories: {@code D<cid>} (direct) and
 * {@code Z<cid>} (object-level compression, format v1).
 */
public record ObjectId(String value) {

  public ObjectId {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("empty object id");
    }
    int i = 0;
    while (i < value.length() && value.charAt(i) == 'I') {
      i++;
    }
    String rest = value.substring(i);
    if (rest.startsWith("D") || rest.startsWith("Z")) {
      rest = rest.substring(1);
    }
    try {
      new ContentId(rest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid object id '" + value + "'", e);
    }
  }

  public static ObjectId direct(ContentId id) {
    return new ObjectId(id.value());
  }

  public static ObjectId indirect(ObjectId list) {
    return new ObjectId("I" + list.value);
  }

  /** How many list objects stand between this id and the data (0 = direct). */
  public int indirection() {
    int i = 0;
    while (value.charAt(i) == 'I') {
      i++;
    }
    return i;
  }

  public boolean isIndirect() {
    return value.charAt(0) == 'I';
  }

  /** The list object of an indirect id. */
  public ObjectId listObject() {
    if (!isIndirect()) {
      throw new IllegalStateException(value + " is not indirect");
    }
    return new ObjectId(value.substring(1));
  }

  /** True for the legacy {@code Z} form whose content holds object-level compressed bytes. */
  public boolean legacyCompressed() {
    return value.charAt(0) == 'Z';
  }

  /** The content of a direct id (legacy {@code D}/{@code Z} marker stripped). */
  public ContentId contentId() {
    if (isIndirect()) {
      throw new IllegalStateException(value + " is indirect");
    }
    char c = value.charAt(0);
    return new ContentId(c == 'D' || c == 'Z' ? value.substring(1) : value);
  }

  @Override
  public String toString() {
    return value;
  }
}
