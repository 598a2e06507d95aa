package ca.eazybackup.e3.agent.backup.hashing;

/**
 * A keyed hash that names contents and blobs (Kopia repo/hashing). Implementations are thread-safe:
 * each call uses its own digest state.
 */
public interface HashFunction {

  /** Kopia's algorithm name, e.g. {@code BLAKE2B-256-128}. */
  String name();

  /** Output length in bytes. */
  int size();

  byte[] hash(byte[] data, int offset, int length);

  default byte[] hash(byte[] data) {
    return hash(data, 0, data.length);
  }
}
