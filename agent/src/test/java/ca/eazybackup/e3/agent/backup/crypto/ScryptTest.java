package ca.eazybackup.e3.agent.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

class ScryptTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] ours(String password, String salt, int n, int r, int p, int len) {
    return Scrypt.generate(
        password.getBytes(StandardCharsets.UTF_8),
        salt.getBytes(StandardCharsets.UTF_8),
        n,
        r,
        p,
        len);
  }

  @Test
  void matchesTheTestVectorsOfRfc7914() {
    assertThat(HEX.formatHex(ours("", "", 16, 1, 1, 64)))
        .isEqualTo(
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    assertThat(HEX.formatHex(ours("password", "NaCl", 1024, 8, 16, 64)))
        .isEqualTo(
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    assertThat(HEX.formatHex(ours("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64)))
        .isEqualTo(
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  }

  @Test
  void agreesWithBouncyCastleOnRandomInputs() {
    Random rnd = new Random(7);
    for (int i = 0; i < 12; i++) {
      byte[] pw = new byte[rnd.nextInt(40)];
      byte[] salt = new byte[rnd.nextInt(40)];
      rnd.nextBytes(pw);
      rnd.nextBytes(salt);
      int n = 1 << (1 + rnd.nextInt(9));
      int r = 1 + rnd.nextInt(8);
      int p = 1 + rnd.nextInt(3);
      int len = 1 + rnd.nextInt(100);
      assertThat(Scrypt.generate(pw, salt, n, r, p, len))
          .as("N=%d r=%d p=%d len=%d", n, r, p, len)
          .isEqualTo(SCrypt.generate(pw, salt, n, r, p, len));
    }
  }

  @Test
  void refusesAnNThatIsNoPowerOfTwo() {
    assertThatThrownBy(() -> ours("p", "s", 1000, 8, 1, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
  }
}
