package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks RFC 4918 puts before a method runs, done once here for every method: the {@code If}
 * header (§10.4: 412 when no list holds) and write locks (§7: 423 unless a token of each lock that
 * protects an affected resource is submitted). Milton CE has no locking, and its If handling only
 * searches for a token substring, so neither is left to it.
 */
final class Preconditions {
  /** What failed, with the status to answer and the locked resource for the error body. */
  record Failure(int status, String lockedPath, String message) {}

  private final Volume volume;

  Preconditions(Volume volume) {
    this.volume = volume;
  }

  /** Which resources a method changes, for the lock check. */
  enum Effect {
    READ,
    MODIFY, // the resource's content or properties (PUT over a file, PROPPATCH)
    CREATE, // a new member of the parent (PUT of a new file, MKCOL)
    REMOVE // the resource, everything below it, and the parent's membership (DELETE, MOVE source)
  }

  /**
   * Checks the If header against {@code path} and the locks protecting what the method changes.
   * {@code dest} (may be null) is a COPY/MOVE destination, changed as by {@code destEffect}.
   */
  Failure check(String ifHeader, String path, Effect effect, String dest, Effect destEffect)
      throws IOException {
    IfHeader ih = null;
    if (ifHeader != null && !ifHeader.isBlank()) {
      try {
        ih = IfHeader.parse(ifHeader);
      } catch (IfHeader.BadIfHeaderException e) {
        return new Failure(400, null, e.getMessage());
      }
      if (!holds(ih, path)) {
        return new Failure(412, null, "no list of the If header holds");
      }
    }
    Set<String> submitted = ih == null ? Set.of() : new LinkedHashSet<>(ih.submittedTokens());
    Failure f = locks(path, effect, submitted);
    if (f == null && dest != null) {
      f = locks(dest, destEffect, submitted);
    }
    return f;
  }

  private Failure locks(String path, Effect effect, Set<String> submitted) {
    LockTable locks = volume.locks();
    List<String> guarded = new ArrayList<>();
    switch (effect) {
      case READ -> {
        return null;
      }
      case MODIFY -> guarded.add(path);
      case CREATE -> guarded.add(path);
      case REMOVE -> guarded.add(path);
    }
    for (String p : guarded) {
      List<LockTable.Lock> covering = locks.covering(p);
      if (!covering.isEmpty() && covering.stream().noneMatch(l -> submitted.contains(l.token))) {
        return new Failure(423, covering.get(0).root, "/" + p + " is locked");
      }
    }
    if (effect == Effect.CREATE || effect == Effect.REMOVE) {
      // the parent's membership changes: a depth-0 lock on the parent protects it too
      if (!path.isEmpty()) {
        String parent = DavPaths.parentOf(path);
        List<LockTable.Lock> covering = locks.covering(parent);
        if (!covering.isEmpty() && covering.stream().noneMatch(l -> submitted.contains(l.token))) {
          return new Failure(423, covering.get(0).root, "/" + parent + " is locked");
        }
      }
    }
    if (effect == Effect.REMOVE) {
      for (LockTable.Lock l : locks.below(path)) {
        if (!submitted.contains(l.token)
            && locks.covering(l.root).stream().noneMatch(x -> submitted.contains(x.token))) {
          return new Failure(423, l.root, "/" + l.root + " is locked");
        }
      }
    }
    return null;
  }

  /** Whether any list of the header holds. */
  boolean holds(IfHeader ih, String requestPath) throws IOException {
    for (IfHeader.Clause c : ih.clauses()) {
      String path = c.tag() == null ? requestPath : volume.pathOfTag(c.tag());
      if (path != null && listHolds(c, path)) {
        return true;
      }
    }
    return false;
  }

  private boolean listHolds(IfHeader.Clause c, String path) throws IOException {
    NasEntry entry = null;
    boolean looked = false;
    for (IfHeader.Condition k : c.conditions()) {
      boolean match;
      if (k.token() != null) {
        match = volume.locks().covering(path).stream().anyMatch(l -> l.token.equals(k.token()));
      } else {
        if (!looked) {
          entry = volume.fs().stat(path);
          looked = true;
        }
        match = entry != null && IfHeader.etagMatches(k.etag(), Volume.etagOf(entry));
      }
      if (match == k.not()) {
        return false;
      }
    }
    return true;
  }

  /** The volume path a tag (absolute URI or absolute path) names, or null if not this volume's. */
  static String tagPath(String tag, String capability) {
    String raw;
    try {
      URI u = new URI(tag);
      raw = u.getRawPath();
    } catch (URISyntaxException e) {
      return null;
    }
    if (raw == null) {
      return null;
    }
    try {
      DavPaths.Target t = DavPaths.parse(raw);
      return t.capability().equals(capability) ? t.path() : null;
    } catch (DavPaths.BadPathException e) {
      return null;
    }
  }
}
