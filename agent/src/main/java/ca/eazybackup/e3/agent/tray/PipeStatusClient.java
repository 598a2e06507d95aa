package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The tray helper's end on Windows: the pipe the service opened for this session's user. */
public final class PipeStatusClient implements StatusSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final WindowsHost host;

  public PipeStatusClient(WindowsHost host) {
    this.host = host;
  }

  @Override
  public AgentStatus status() throws IOException {
    UserSession me;
    try {
      me = host.userSessions().current();
    } catch (ShimException e) {
      throw new IOException("cannot tell this session: " + e.getMessage(), e);
    }
    String name = SessionPipes.pipeName(me.id());
    try (UserPipes.Connection c = host.userPipes().connect(name, CONNECT_TIMEOUT_MS)) {
      c.out().write(SessionPipes.REQUEST);
      c.out().flush();
      String line =
          new BufferedReader(new InputStreamReader(c.in(), StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new IOException("the agent service closed the tray pipe without answering");
      }
      return JSON.readValue(line, AgentStatus.class);
    } catch (ShimException e) {
      if (e.errorCode() == Win32Error.ERROR_FILE_NOT_FOUND.code()) {
        throw new IOException(
            "the agent service is not running or has not opened this session's pipe yet", e);
      }
      throw new IOException("the tray pipe " + name + " refused: " + e.getMessage(), e);
    }
  }
}
