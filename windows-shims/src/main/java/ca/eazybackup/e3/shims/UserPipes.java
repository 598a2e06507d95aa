package ca.eazybackup.e3.shims;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The tray channel on Windows: a local named pipe ({@code \\.\pipe\<name>}) only one user (and
 * LocalSystem, the service) may open, enforced by the pipe's DACL rather than a token in a file.
 * Remote clients are refused ({@code PIPE_REJECT_REMOTE_CLIENTS}) and the name cannot be squatted:
 * the server creates the first instance ({@code FILE_FLAG_FIRST_PIPE_INSTANCE}) or fails. Hosts
 * without named pipes (the simulated one) keep the loopback channel with a per-start token.
 */
public interface UserPipes {

  /**
   * Creates the server end of {@code \\.\pipe\<name>}, its DACL granting read/write to {@code
   * userSid} ({@code S-1-5-21-…}) and full access to SYSTEM, nobody else.
   */
  Server serve(String name, String userSid) throws ShimException;

  /** Opens the client end; fails with ERROR_ACCESS_DENIED (5) for a user the DACL does not name. */
  Connection connect(String name, int timeoutMillis) throws ShimException;

  /** A pipe's server end. */
  interface Server extends Closeable {
    /** Waits for the next client; one connection per call (a new pipe instance each). */
    Connection accept() throws ShimException;

    /** The DACL Windows holds for the pipe: one {@code SID:access-mask} string per allow ACE. */
    java.util.List<String> allowedSids() throws ShimException;
  }

  /** One connected pipe instance. */
  interface Connection extends Closeable {
    InputStream in();

    OutputStream out();
  }

  /** A host without named pipes. */
  UserPipes NONE =
      new UserPipes() {
        @Override
        public Server serve(String name, String userSid) throws ShimException {
          throw ShimException.win32(
              "CreateNamedPipe(" + name + ")", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
        }

        @Override
        public Connection connect(String name, int timeoutMillis) throws ShimException {
          throw ShimException.win32(
              "CreateFile(\\\\.\\pipe\\" + name + ")", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
        }
      };
}
