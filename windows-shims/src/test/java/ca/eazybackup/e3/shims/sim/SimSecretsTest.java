package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimSecretsTest {
  @TempDir Path dir;

  @Test
  void dpapiMachineScopeRoundTripsForEveryProcessOfTheMachineButNotAnotherMachine()
      throws Exception {
    SimulatedWindowsHost machine = SimulatedWindowsHost.builder(dir.resolve("pc1")).build();
    byte[] blob = machine.dataProtection().protect("tok-secret".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("tok-secret");
    SimulatedWindowsHost sameMachineOtherProcess =
        SimulatedWindowsHost.builder(dir.resolve("pc1")).elevated(true).build();
    assertThat(sameMachineOtherProcess.dataProtection().unprotect(blob))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("tok-secret");

    SimulatedWindowsHost otherMachine = SimulatedWindowsHost.builder(dir.resolve("pc2")).build();
    assertThatThrownBy(() -> otherMachine.dataProtection().unprotect(blob))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.NTE_BAD_KEY_STATE));
    assertThatThrownBy(() -> machine.dataProtection().unprotect(new byte[] {1, 2, 3}))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.ERROR_INVALID_DATA));
  }

  @Test
  void restrictingAFileLeavesOnlyItsOwnerAndJournalsTheWindowsAcl() throws Exception {
    SimulatedWindowsHost machine =
        SimulatedWindowsHost.builder(dir.resolve("pc")).journal(dir.resolve("j.jsonl")).build();
    Path file = Files.writeString(dir.resolve("agent.conf"), "AgentToken=x\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(machine.fileProtection().otherReaders(file)).containsExactly("group", "others");

    machine.fileProtection().restrictToAdministrators(file);

    assertThat(machine.fileProtection().otherReaders(file)).isEmpty();
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(SimulatedWindowsHost.readJournal(dir.resolve("j.jsonl")))
        .filteredOn(l -> "file.restrict".equals(l.get("op")))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.get("acl"))
                    .asList()
                    .containsExactly("NT AUTHORITY\\SYSTEM:F", "BUILTIN\\Administrators:F"));
  }
}
