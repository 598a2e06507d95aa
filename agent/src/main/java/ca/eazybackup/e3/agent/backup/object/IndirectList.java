package ca.eazybackup.e3.agent.backup.object;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON body of a list object: {@code {"stream":"kopia:indirect","entries":[…]}}. */
@JsonPropertyOrder({"stream", "entries"})
@JsonIgnoreProperties(ignoreUnknown = true)
record IndirectList(
    @JsonProperty("stream") String stream, @JsonProperty("entries") List<IndirectEntry> entries) {
  static final String STREAM = "kopia:indirect";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Go's json.Encoder output: compact JSON and a trailing newline. */
  static byte[] encode(List<IndirectEntry> entries) throws IOException {
    String json = JSON.writeValueAsString(new IndirectList(STREAM, entries)) + "\n";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static List<IndirectEntry> decode(byte[] data, ObjectId where) throws IOException {
    IndirectList list;
    try {
      list = JSON.readValue(data, IndirectList.class);
    } catch (IOException e) {
      throw new CorruptObjectException("list object " + where + " is not valid JSON", e);
    }
    if (!STREAM.equals(list.stream()) || list.entries() == null) {
      throw new CorruptObjectException("object " + where + " is not a kopia:indirect list", null);
    }
    long expected = 0;
    for (IndirectEntry e : list.entries()) {
      if (e.start() != expected || e.length() < 0 || e.object() == null) {
        throw new CorruptObjectException("list object " + where + " has a gap or bad entry", null);
      }
      expected = e.end();
    }
    return list.entries();
  }
}
