package ca.eazybackup.e3.shims.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Which shares need which account: a JSON list of {@code {"share","username","domain","password"}}.
 * A share that is listed needs a {@code connect} with that account; any other share is open.
 */
final class ShareCredentials {

  /** One protected share. {@code domain} may be null: then any domain (or none) is accepted. */
  record Entry(String share, String username, String domain, String password) {
    @Override
    public String toString() {
      return "Entry[share=" + share + ", username=" + username + ", domain=" + domain + "]";
    }
  }

  private final List<Entry> entries;

  private ShareCredentials(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static ShareCredentials load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new ShareCredentials(List.of());
    }
    List<Entry> entries =
        SimStore.JSON.readValue(Files.readAllBytes(file), new TypeReference<List<Entry>>() {});
    return new ShareCredentials(entries);
  }

  boolean requires(String shareRoot) {
    return entry(shareRoot).isPresent();
  }

  /**
   * Whether the account may log on: user names and domains compare case-insensitively, the password
   * exactly (in constant time). {@code username} may carry the domain as {@code DOMAIN\\user}.
   */
  boolean accepts(String shareRoot, String username, String domain, char[] password) {
    Optional<Entry> entry = entry(shareRoot);
    if (entry.isEmpty()) {
      return true;
    }
    Entry e = entry.get();
    Account given = Account.of(username, domain);
    Account expected = Account.of(e.username(), e.domain());
    if (!given.user().equalsIgnoreCase(expected.user())) {
      return false;
    }
    if (expected.domain() != null
        && (given.domain() == null || !given.domain().equalsIgnoreCase(expected.domain()))) {
      return false;
    }
    byte[] a = new String(password).getBytes(StandardCharsets.UTF_8);
    byte[] b = e.password().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(a, b);
  }

  private Optional<Entry> entry(String shareRoot) {
    return entries.stream().filter(e -> e.share().equalsIgnoreCase(shareRoot)).findFirst();
  }

  /** A user name split from its domain: {@code CORP\alice} or ({@code alice}, {@code CORP}). */
  record Account(String user, String domain) {
    static Account of(String username, String domain) {
      String user = username == null ? "" : username;
      String dom = domain == null || domain.isBlank() ? null : domain;
      int slash = user.indexOf('\\');
      if (slash >= 0) {
        dom = user.substring(0, slash);
        user = user.substring(slash + 1);
      }
      return new Account(user, dom);
    }

    /** {@code CORP\alice} or {@code alice}. */
    String qualified() {
      return domain == null ? user : domain + "\\" + user;
    }
  }
}
