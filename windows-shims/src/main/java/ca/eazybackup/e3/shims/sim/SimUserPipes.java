package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.Win32Error;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Named pipes on the simulated machine, shared by every process on one root: the server end is
 * registered in the machine's state (name, owning process, owner SID and DACL) and carries its
 * bytes over a loopback socket; the rules are Windows':
 *
 * <ul>
 *   <li>the first instance of a name that exists fails with ERROR_ACCESS_DENIED (5) ({@code
 *       FILE_FLAG_FIRST_PIPE_INSTANCE}, CreateNamedPipeW docs), so nobody can serve a name in the
 *       service's place;
 *   <li>opening a pipe that does not exist fails with ERROR_FILE_NOT_FOUND (2) (CreateFile docs,
 *       "Named Pipe Client");
 *   <li>opening it as a user its DACL does not name fails with ERROR_ACCESS_DENIED (5): the access
 *       check of CreateFile against the pipe's security descriptor, whose DACL grants SYSTEM and
 *       one user only ({@code D:P(A;;GA;;;SY)(A;;GRGW;;;<user>)});
 *   <li>a pipe lives as long as its server handle: closed, or its process gone, it no longer exists
 *       (CloseHandle; a process's handles close when it ends).
 * </ul>
 *
 * The caller's identity is the process's ({@link SimUserSessions#current()}).
 */
final class SimUserPipes implements UserPipes {
  private final SimulatedWindowsHost host;

  SimUserPipes(SimulatedWindowsHost host) {
    this.host = host;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static boolean alive(SimState.Pipe p) {
    return ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public Server serve(String name, String userSid) throws ShimException {
    String owner = host.userSessions().current().sid();
    ServerSocket socket;
    try {
      socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new ShimException("simulated pipe " + name + ": " + e, e);
    }
    List<String> allowed = List.of(UserSession.SYSTEM_SID, userSid);
    try {
      host.store()
          .update(
              state -> {
                SimState.Pipe existing = state.pipes.get(key(name));
                if (existing != null && alive(existing)) {
                  throw ShimException.win32(
                      "CreateNamedPipe(\\\\.\\pipe\\" + name + ")",
                      Win32Error.ERROR_ACCESS_DENIED,
                      "the pipe exists already (FILE_FLAG_FIRST_PIPE_INSTANCE)");
                }
                state.pipes.put(
                    key(name),
                    new SimState.Pipe(
                        name,
                        socket.getLocalPort(),
                        ProcessHandle.current().pid(),
                        owner,
                        allowed));
                return null;
              });
    } catch (ShimException e) {
      closeQuietly(socket);
      host.journal().failed("pipe.serve", "ERROR_ACCESS_DENIED", 5, "name", name);
      throw e;
    }
    host.journal().ok("pipe.serve", "name", name, "user_sid", userSid);
    return new SimServer(name, socket, allowed);
  }

  @Override
  public Connection connect(String name, int timeoutMillis) throws ShimException {
    UserSession me = host.userSessions().current();
    String call = "CreateFile(\\\\.\\pipe\\" + name + ")";
    SimState.Pipe pipe = host.store().read(state -> state.pipes.get(key(name)));
    if (pipe == null || !alive(pipe)) {
      host.journal()
          .failed("pipe.connect", "ERROR_FILE_NOT_FOUND", 2, "name", name, "sid", me.sid());
      throw ShimException.win32(call, Win32Error.ERROR_FILE_NOT_FOUND, null);
    }
    if (!pipe.allowed().contains(me.sid())) {
      host.journal()
          .failed("pipe.connect", "ERROR_ACCESS_DENIED", 5, "name", name, "sid", me.sid());
      throw ShimException.win32(
          call, Win32Error.ERROR_ACCESS_DENIED, "the pipe's DACL does not grant " + me.user());
    }
    try {
      Socket s = new Socket();
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), pipe.port()),
          Math.max(1, timeoutMillis));
      host.journal().ok("pipe.connect", "name", name, "sid", me.sid());
      return new SimConnection(s);
    } catch (IOException e) {
      throw ShimException.win32(call, Win32Error.ERROR_FILE_NOT_FOUND, e.toString());
    }
  }

  private final class SimServer implements Server {
    private final String name;
    private final ServerSocket socket;
    private final List<String> allowed;

    SimServer(String name, ServerSocket socket, List<String> allowed) {
      this.name = name;
      this.socket = socket;
      this.allowed = allowed;
    }

    @Override
    public Connection accept() throws ShimException {
      try {
        return new SimConnection(socket.accept());
      } catch (IOException e) {
        throw new ShimException("pipe \\\\.\\pipe\\" + name + " is closed", e);
      }
    }

    @Override
    public List<String> allowedSids() {
      // The masks Windows stores for GA and GRGW once mapped to a pipe's specific rights.
      List<String> out = new ArrayList<>();
      out.add(allowed.get(0) + ":1f01ff");
      out.add(allowed.get(1) + ":12019f");
      return out;
    }

    @Override
    public void close() {
      closeQuietly(socket);
      try {
        host.store()
            .update(
                state -> {
                  SimState.Pipe p = state.pipes.get(key(name));
                  if (p != null && p.port() == socket.getLocalPort()) {
                    state.pipes.remove(key(name));
                  }
                  return null;
                });
        host.journal().ok("pipe.close", "name", name);
      } catch (ShimException e) {
        // The entry names a closed port: the next serve or connect treats it as gone.
      }
    }
  }

  private static final class SimConnection implements Connection {
    private final Socket socket;

    SimConnection(Socket socket) {
      this.socket = socket;
    }

    @Override
    public InputStream in() {
      try {
        return socket.getInputStream();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public OutputStream out() {
      try {
        return socket.getOutputStream();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }
}
