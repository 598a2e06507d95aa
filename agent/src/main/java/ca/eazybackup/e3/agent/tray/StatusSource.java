package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.shims.UserPipes;
import ca.eazybackup.e3.shims.UserSessions;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.nio.file.Path;

/** Where the tray helper gets the service's status from. */
public interface StatusSource {
  AgentStatus status() throws IOException, InterruptedException;

  /** Whether {@code host} has per-session named pipes (Windows, the simulated host). */
  static boolean pipesOn(WindowsHost host) {
    return host != null
        && host.userPipes() != UserPipes.NONE
        && host.userSessions() != UserSessions.NONE;
  }

  /** The pipe of this session where the host has pipes, else loopback with the channel file. */
  static StatusSource forHost(Path configDir, WindowsHost host) {
    return pipesOn(host) ? new PipeStatusClient(host) : new StatusClient(configDir);
  }
}
