package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The golden files of docs/api-examples, compared structurally: the same field names at every level
 * and the same JSON types (a null on either side matches any type: optional values).
 */
final class Golden {
  private static final Path DIR = Path.of("..", "docs", "api-examples");

  /** Objects whose content is the caller's own JSON, stored as given: only their type counts. */
  private static final Set<String> FREE_FORM =
      Set.of(
          "params",
          "progress_json",
          "stats_json",
          "schedule_json",
          "retention_json",
          "policy_json",
          "details");

  private Golden() {}

  static JsonNode read(String file) {
    try {
      return Http.JSON.readTree(Files.readString(DIR.resolve(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The golden request as a mutable object, to send after replacing its ids. */
  static ObjectNode request(String file) {
    return (ObjectNode) read(file);
  }

  static void assertMatches(String file, JsonNode actual) {
    compare(file, "$", read(file), actual);
  }

  static void compare(String file, String at, JsonNode golden, JsonNode actual) {
    if (golden.isNull() || actual.isNull()) {
      return;
    }
    assertThat(type(actual)).as("%s %s: type", file, at).isEqualTo(type(golden));
    String last = at.substring(at.lastIndexOf('.') + 1);
    if (golden.isObject() && FREE_FORM.contains(last)) {
      return;
    }
    if (golden.isObject()) {
      Set<String> g = names(golden);
      Set<String> a = names(actual);
      assertThat(a).as("%s %s: field names", file, at).isEqualTo(g);
      for (String name : g) {
        compare(file, at + "." + name, golden.get(name), actual.get(name));
      }
    } else if (golden.isArray() && golden.size() > 0 && actual.size() > 0) {
      // Every actual element must match the golden element of the same "type" field if any,
      // else the first golden element.
      for (int i = 0; i < actual.size(); i++) {
        JsonNode a = actual.get(i);
        JsonNode g = golden.get(0);
        if (a.has("type")) {
          for (JsonNode candidate : golden) {
            if (candidate.path("type").equals(a.get("type"))) {
              g = candidate;
            }
          }
        }
        compare(file, at + "[" + i + "]", g, a);
      }
    }
  }

  private static String type(JsonNode n) {
    if (n.isNumber()) {
      return "number";
    }
    return n.getNodeType().name();
  }

  private static Set<String> names(JsonNode n) {
    Set<String> s = new TreeSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      s.add(it.next());
    }
    return s;
  }
}
