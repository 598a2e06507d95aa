package ca.eazybackup.e3.shims;

import java.util.Optional;

/** The few registry values the agent reads and writes (labels, WebClient limits). */
public interface Registry {

  Optional<String> getString(String key, String name) throws ShimException;

  void setString(String key, String name, String value) throws ShimException;

  Optional<Integer> getDword(String key, String name) throws ShimException;

  void setDword(String key, String name, int value) throws ShimException;

  void deleteValue(String key, String name) throws ShimException;
}
