package ca.eazybackup.e3.shims;

/**
 * DPAPI in machine scope (CryptProtectData with CRYPTPROTECT_LOCAL_MACHINE): what one process on
 * this machine protects, any process on this machine can read back, and no other machine can. Used
 * for the agent token in {@code agent.conf}; the file's ACL ({@link FileProtection}) keeps
 * non-administrators from reading the blob in the first place.
 */
public interface DataProtection {

  byte[] protect(byte[] plain) throws ShimException;

  /**
   * Fails with NTE_BAD_KEY_STATE for a blob protected on another machine, ERROR_INVALID_DATA for
   * one that is not a DPAPI blob.
   */
  byte[] unprotect(byte[] blob) throws ShimException;
}
