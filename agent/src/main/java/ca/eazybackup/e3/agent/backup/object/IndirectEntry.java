package ca.eazybackup.e3.agent.backup.object;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One entry of a {@code kopia:indirect} list: bytes [s, s+l) of the object are object o. */
@JsonPropertyOrder({"s", "l", "o"})
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
record IndirectEntry(
    @JsonProperty("s") long start,
    @JsonProperty("l") long length,
    @JsonProperty("o") String object) {

  long end() {
    return start + length;
  }
}
