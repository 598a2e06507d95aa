package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.AgentCommand;
import ca.eazybackup.e3.agent.testing.FakeAddon;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command journal's dedupe and left-over record across reopenings (a restart). */
class CommandJournalTest {
  @TempDir Path dir;

  private static AgentCommand command(long id, String type) throws Exception {
    ObjectNode c = FakeAddon.JSON.createObjectNode();
    c.put("command_id", id);
    c.put("type", type);
    c.putNull("run_id");
    c.putObject("payload");
    return FakeAddon.JSON.treeToValue(c, AgentCommand.class);
  }

  @Test
  void aCommandIdIsFreshOnceAcrossRestartsAndOnlyOpenOnesAreLeftOver() throws Exception {
    try (CommandJournal j = new CommandJournal(dir)) {
      assertThat(j.receive(command(1, "verify"), null, true).fresh()).isTrue();
      assertThat(j.receive(command(2, "restore"), 9L, true).fresh()).isTrue();
      assertThat(j.receive(command(3, "browse_directory"), null, false).fresh()).isTrue();
      assertThat(j.receive(command(1, "verify"), null, true).fresh()).isFalse();
      j.end(1);
      assertThat(j.receive(command(1, "verify"), null, true).fresh()).isFalse();
    }
    try (CommandJournal j = new CommandJournal(dir)) {
      assertThat(j.leftOver()).containsExactly(new CommandJournal.Left(2, "restore", 9L));
      for (long id = 1; id <= 3; id++) {
        assertThat(j.receive(command(id, "verify"), null, true))
            .as("command %d after a restart", id)
            .isEqualTo(new CommandJournal.Received(false, true));
      }
      j.end(2); // reported "agent restarted"
    }
    try (CommandJournal j = new CommandJournal(dir)) {
      assertThat(j.leftOver()).isEmpty();
      assertThat(j.knows(2)).isTrue();
    }
  }

  @Test
  void onlyTheLastClosedIdsAreKeptOpenOnesAlways() throws Exception {
    try (CommandJournal j = new CommandJournal(dir, 5)) {
      j.receive(command(100, "restore"), 7L, true); // still running, however many follow
      for (long id = 1; id <= 12; id++) {
        j.receive(command(id, "cancel"), null, false);
      }
    }
    try (CommandJournal j = new CommandJournal(dir, 5)) {
      assertThat(j.knows(7)).as("an old closed id is forgotten").isFalse();
      assertThat(j.knows(8)).isTrue();
      assertThat(j.knows(12)).isTrue();
      assertThat(j.knows(100)).isTrue();
      assertThat(j.leftOver()).extracting(CommandJournal.Left::commandId).containsExactly(100L);
    }
  }
}
