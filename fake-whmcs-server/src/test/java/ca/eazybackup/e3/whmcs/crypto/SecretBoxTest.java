package ca.eazybackup.e3.whmcs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretBoxTest {
  @Test
  void encryptsWithAFreshNonceAndDecryptsBack() {
    SecretBox box = new SecretBox("module-key");
    String a = box.encrypt("example-secret-key");
    String b = box.encrypt("example-secret-key");
    assertThat(a).isNotEqualTo(b).doesNotContain("example-secret-key").startsWith("v1:");
    assertThat(box.decrypt(a)).isEqualTo("example-secret-key");
    assertThat(box.encrypt(null)).isNull();
  }

  @Test
  void aDifferentModuleKeyOrATamperedValueFailsLoudly() {
    String sealed = new SecretBox("one").encrypt("s3cret");
    assertThatThrownBy(() -> new SecretBox("two").decrypt(sealed))
        .hasMessageContaining("module encryption key");
    String tampered =
        sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BA" : "AA");
    assertThatThrownBy(() -> new SecretBox("one").decrypt(tampered))
        .isInstanceOf(IllegalStateException.class);
  }
}
