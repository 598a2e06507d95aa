package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Named pipes through kernel32 ({@code CreateNamedPipeW}, {@code ConnectNamedPipe}, {@code
 * CreateFileW}, {@code ReadFile}/{@code WriteFile}) with a DACL from SDDL {@code
 * D:P(A;;GA;;;SY)(A;;GRGW;;;<user SID>)}: protected (nothing inherited), SYSTEM and that user only
 * - not even Administrators, not Everyone, not the anonymous logon Windows' default pipe DACL
 * grants read to.
 */
final class JnaUserPipes implements UserPipes {
  static final int PIPE_ACCESS_DUPLEX = 0x00000003;
  static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
  static final int PIPE_TYPE_BYTE = 0x0;
  static final int PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;
  static final int PIPE_UNLIMITED_INSTANCES = 255;
  static final int ERROR_PIPE_CONNECTED = 535;
  static final int ERROR_BROKEN_PIPE = 109;
  static final int SE_KERNEL_OBJECT = 6;
  static final int BUFFER = 64 * 1024;

  private static final Pattern SID = Pattern.compile("^S-1-[0-9]+(-[0-9]+)+$");
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,200}$");

  /** The pipe's DACL in SDDL; the SID is checked first, so it cannot add ACEs of its own. */
  static String sddl(String userSid) {
    if (userSid == null || !SID.matcher(userSid).matches()) {
      throw new IllegalArgumentException("not a SID: " + userSid);
    }
    return "D:P(A;;GA;;;SY)(A;;GRGW;;;" + userSid + ")";
  }

  static String path(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("pipe names are letters, digits, '.', '_' and '-'");
    }
    return "\\\\.\\pipe\\" + name;
  }

  @Override
  public Server serve(String name, String userSid) throws ShimException {
    String path = path(name);
    String sddl = sddl(userSid);
    PointerByReference sd = new PointerByReference();
    if (!NativeApis.advapi32()
        .ConvertStringSecurityDescriptorToSecurityDescriptor(sddl, 1, sd, new IntByReference())) {
      throw ShimException.win32(
          "ConvertStringSecurityDescriptorToSecurityDescriptor",
          Kernel32.INSTANCE.GetLastError(),
          null);
    }
    return new PipeServer(path, sd.getValue());
  }

  @Override
  public Connection connect(String name, int timeoutMillis) throws ShimException {
    String path = path(name);
    if (!Kernel32.INSTANCE.WaitNamedPipe(path, timeoutMillis)) {
      throw ShimException.win32(
          "WaitNamedPipe(" + path + ")", Kernel32.INSTANCE.GetLastError(), null);
    }
    WinNT.HANDLE h =
        Kernel32.INSTANCE.CreateFile(
            path, WinNT.GENERIC_READ | WinNT.GENERIC_WRITE, 0, null, WinNT.OPEN_EXISTING, 0, null);
    if (WinBase.INVALID_HANDLE_VALUE.equals(h)) {
      throw ShimException.win32("CreateFile(" + path + ")", Kernel32.INSTANCE.GetLastError(), null);
    }
    return new PipeConnection(h, false);
  }

  /** The server end; each accept hands out the connected instance and creates the next. */
  private static final class PipeServer implements Server {
    private final String path;
    private final Pointer descriptor;
    private WinNT.HANDLE next;
    private boolean closed;

    PipeServer(String path, Pointer descriptor) throws ShimException {
      this.path = path;
      this.descriptor = descriptor;
      this.next = create(true);
    }

    private WinNT.HANDLE create(boolean first) throws ShimException {
      WinBase.SECURITY_ATTRIBUTES sa = new WinBase.SECURITY_ATTRIBUTES();
      sa.dwLength = new WinDef.DWORD(sa.size());
      sa.lpSecurityDescriptor = descriptor;
      sa.bInheritHandle = false;
      WinNT.HANDLE h =
          Kernel32.INSTANCE.CreateNamedPipe(
              path,
              PIPE_ACCESS_DUPLEX | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
              PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS,
              PIPE_UNLIMITED_INSTANCES,
              BUFFER,
              BUFFER,
              0,
              sa);
      if (WinBase.INVALID_HANDLE_VALUE.equals(h)) {
        // ERROR_ACCESS_DENIED here on the first instance: another process owns the name.
        throw ShimException.win32(
            "CreateNamedPipe(" + path + ")", Kernel32.INSTANCE.GetLastError(), null);
      }
      return h;
    }

    @Override
    public synchronized Connection accept() throws ShimException {
      if (closed) {
        throw new ShimException("pipe " + path + " is closed");
      }
      WinNT.HANDLE h = next;
      if (!Kernel32.INSTANCE.ConnectNamedPipe(h, null)) {
        int err = Kernel32.INSTANCE.GetLastError();
        if (err != ERROR_PIPE_CONNECTED) {
          throw ShimException.win32("ConnectNamedPipe(" + path + ")", err, null);
        }
      }
      next = create(false);
      return new PipeConnection(h, true);
    }

    @Override
    public List<String> allowedSids() throws ShimException {
      PointerByReference dacl = new PointerByReference();
      PointerByReference sd = new PointerByReference();
      int rc =
          Advapi32.INSTANCE.GetSecurityInfo(
              next, SE_KERNEL_OBJECT, WinNT.DACL_SECURITY_INFORMATION, null, null, dacl, null, sd);
      if (rc != 0) {
        throw ShimException.win32("GetSecurityInfo(" + path + ")", rc, null);
      }
      try {
        List<String> out = new ArrayList<>();
        for (WinNT.ACE_HEADER ace : new WinNT.ACL(dacl.getValue()).getACEs()) {
          if (ace.AceType == WinNT.ACCESS_ALLOWED_ACE_TYPE
              && ace instanceof WinNT.ACCESS_ACEStructure allowed) {
            out.add(allowed.getSidString() + ":" + Integer.toHexString(allowed.Mask));
          }
        }
        return out;
      } finally {
        Kernel32.INSTANCE.LocalFree(sd.getValue());
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        Kernel32.INSTANCE.CloseHandle(next);
        Kernel32.INSTANCE.LocalFree(descriptor);
      }
    }
  }

  /** One connected instance, read and written with ReadFile/WriteFile. */
  private static final class PipeConnection implements Connection {
    private final WinNT.HANDLE handle;
    private final boolean serverSide;
    private boolean closed;

    PipeConnection(WinNT.HANDLE handle, boolean serverSide) {
      this.handle = handle;
      this.serverSide = serverSide;
    }

    @Override
    public InputStream in() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          byte[] buf = new byte[Math.min(len, BUFFER)];
          IntByReference got = new IntByReference();
          if (!Kernel32.INSTANCE.ReadFile(handle, buf, buf.length, got, null)) {
            int err = Kernel32.INSTANCE.GetLastError();
            if (err == ERROR_BROKEN_PIPE) {
              return -1; // the other end closed
            }
            throw new IOException("ReadFile on a pipe failed: Win32 error " + err);
          }
          if (got.getValue() == 0) {
            return -1;
          }
          System.arraycopy(buf, 0, b, off, got.getValue());
          return got.getValue();
        }
      };
    }

    @Override
    public OutputStream out() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          byte[] chunk = Arrays.copyOfRange(b, off, off + len);
          int done = 0;
          while (done < chunk.length) {
            byte[] rest = done == 0 ? chunk : Arrays.copyOfRange(chunk, done, chunk.length);
            IntByReference wrote = new IntByReference();
            if (!Kernel32.INSTANCE.WriteFile(handle, rest, rest.length, wrote, null)) {
              throw new IOException(
                  "WriteFile on a pipe failed: Win32 error " + Kernel32.INSTANCE.GetLastError());
            }
            done += wrote.getValue();
          }
        }

        @Override
        public void flush() {
          Kernel32.INSTANCE.FlushFileBuffers(handle);
        }
      };
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        if (serverSide) {
          Kernel32.INSTANCE.FlushFileBuffers(handle);
          Kernel32.INSTANCE.DisconnectNamedPipe(handle);
        }
        Kernel32.INSTANCE.CloseHandle(handle);
      }
    }
  }
}
