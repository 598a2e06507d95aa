package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import com.sun.jna.platform.win32.Advapi32Util;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A real named pipe for this user: its DACL holds exactly SYSTEM and the user, a client of that
 * user talks to the server both ways, and a second server cannot take the name.
 */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "real named pipes and DACLs: runs in the windows.yml job")
class RealUserPipeTest {

  @Test
  void onlyTheUserAndSystemMayOpenThePipeAndBytesGoBothWays() throws Exception {
    String sid = Advapi32Util.getAccountByName(Advapi32Util.getUserName()).sidString;
    String name = "e3-test-" + UUID.randomUUID();
    UserPipes pipes = new JnaWindowsHost().userPipes();
    try (UserPipes.Server server = pipes.serve(name, sid)) {
      assertThat(server.allowedSids())
          .extracting(a -> a.substring(0, a.indexOf(':')))
          .containsExactlyInAnyOrder("S-1-5-18", sid);

      CompletableFuture<String> echoed =
          CompletableFuture.supplyAsync(
              () -> {
                try (UserPipes.Connection c = server.accept()) {
                  byte[] got = c.in().readNBytes(5);
                  OutputStream out = c.out();
                  out.write(("echo:" + new String(got, StandardCharsets.UTF_8)).getBytes());
                  out.flush();
                  return new String(got, StandardCharsets.UTF_8);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (UserPipes.Connection client = pipes.connect(name, 10_000)) {
        client.out().write("hello".getBytes(StandardCharsets.UTF_8));
        client.out().flush();
        InputStream in = client.in();
        assertThat(new String(in.readNBytes(10), StandardCharsets.UTF_8)).isEqualTo("echo:hello");
      }
      assertThat(echoed.get()).isEqualTo("hello");

      // FILE_FLAG_FIRST_PIPE_INSTANCE: the name is taken, nobody can serve it in our place.
      assertThatThrownBy(() -> pipes.serve(name, sid)).isInstanceOf(ShimException.class);
    }
  }
}
