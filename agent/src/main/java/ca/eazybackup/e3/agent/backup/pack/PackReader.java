package ca.eazybackup.e3.agent.backup.pack;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import ca.eazybackup.e3.agent.backup.index.PackIndexes;
import java.io.IOException;

/** Reads the local index a pack carries, for recovery and verification. */
public final class PackReader {
  private PackReader() {}

  /**
   * Decrypts and opens the local index of a whole pack.
   *
   * @throws IOException when the pack has no valid postamble or the index does not decrypt
   */
  public static PackIndex localIndex(String packBlobId, byte[] pack, ContentEncryptor encryptor)
      throws IOException {
    int tailLength = Math.min(pack.length, 8192);
    byte[] tail = java.util.Arrays.copyOfRange(pack, pack.length - tailLength, pack.length);
    Postamble p = Postamble.find(tail);
    if (p == null
        || p.localIndexOffset() + p.localIndexLength() > pack.length
        || p.localIndexLength() > Integer.MAX_VALUE) {
      throw new IOException("pack " + packBlobId + " has no valid postamble");
    }
    byte[] plain =
        encryptor.decrypt(
            pack, (int) p.localIndexOffset(), (int) p.localIndexLength(), p.localIndexIv());
    return PackIndexes.open(plain);
  }
}
