package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.DataProtection;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * DPAPI machine scope on the simulated machine: a machine key (, made on first use) seals blobs
 * with AES-GCM, so every process of this machine reads them back and another machine's root fails
 * with NTE_BAD_KEY_STATE, as a blob carried to another Windows does.
 */
final class SimDataProtection implements DataProtection {
  private static final byte[] MAGIC = "SIMDPAPI1".getBytes(StandardCharsets.US_ASCII);
  private static final int IV = 12;

  private final SimulatedWindowsHost host;

  SimDataProtection(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public byte[] protect(byte[] plain) throws ShimException {
    try {
      byte[] iv = new byte[IV];
      new SecureRandom().nextBytes(iv);
      Cipher c = cipher(Cipher.ENCRYPT_MODE, iv);
      byte[] sealed = c.doFinal(plain);
      byte[] out = new byte[MAGIC.length + IV + sealed.length];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      System.arraycopy(iv, 0, out, MAGIC.length, IV);
      System.arraycopy(sealed, 0, out, MAGIC.length + IV, sealed.length);
      host.journal().ok("dpapi.protect", "bytes", plain.length);
      return out;
    } catch (GeneralSecurityException | IOException e) {
      throw new ShimException("CryptProtectData failed: " + e, e);
    }
  }

  @Override
  public byte[] unprotect(byte[] blob) throws ShimException {
    if (blob.length < MAGIC.length + IV + 16
        || !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
      throw ShimException.win32("CryptUnprotectData", Win32Error.ERROR_INVALID_DATA, null);
    }
    try {
      byte[] iv = Arrays.copyOfRange(blob, MAGIC.length, MAGIC.length + IV);
      Cipher c = cipher(Cipher.DECRYPT_MODE, iv);
      return c.doFinal(blob, MAGIC.length + IV, blob.length - MAGIC.length - IV);
    } catch (javax.crypto.AEADBadTagException e) {
      throw ShimException.win32(
          "CryptUnprotectData",
          Win32Error.NTE_BAD_KEY_STATE,
          "The blob was protected on another machine.");
    } catch (GeneralSecurityException | IOException e) {
      throw new ShimException("CryptUnprotectData failed: " + e, e);
    }
  }

  private Cipher cipher(int mode, byte[] iv) throws GeneralSecurityException, IOException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(machineKey(), "AES"), new GCMParameterSpec(128, iv));
    return c;
  }

  /** Made once per machine, under the state lock, so concurrent first uses agree on one key. */
  private byte[] machineKey() throws IOException {
    try {
      return host.store()
          .update(
              state -> {
                if (state.dpapiMachineKey == null) {
                  byte[] key = new byte[32];
                  new SecureRandom().nextBytes(key);
                  state.dpapiMachineKey = Base64.getEncoder().encodeToString(key);
                }
                return Base64.getDecoder().decode(state.dpapiMachineKey);
              });
    } catch (ShimException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
