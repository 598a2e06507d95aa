package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShadowCopy;
import ca.eazybackup.e3.shims.ShadowCopyException;
import ca.eazybackup.e3.shims.ShadowInfo;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VssError;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.COM.COMException;
import com.sun.jna.platform.win32.COM.Wbemcli;
import com.sun.jna.platform.win32.COM.WbemcliUtil;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.OleAuto;
import com.sun.jna.platform.win32.Variant;
import com.sun.jna.platform.win32.WTypes;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VSS through WMI's {@code Win32_ShadowCopy} with jna-platform's COM support: {@code Create}
 * (context ClientAccessible) for a copy, its {@code DeviceObject} for the path, a directory
 * symbolic link so Java can read {@code \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN\}, and
 * IWbemServices::DeleteInstance to remove it. Each call runs on its own thread with COM initialized
 * (multithreaded apartment); a create that outlasts the caller's timeout is abandoned and its
 * shadow deleted when it appears.
 */
final class JnaShadowCopies implements ShadowCopies {
  private static final Logger LOG = LoggerFactory.getLogger(JnaShadowCopies.class);
  private static final int SYMBOLIC_LINK_FLAG_DIRECTORY = 0x1;
  private static final int WBEM_E_ACCESS_DENIED = 0x80041003;
  private static final int WBEM_FLAG_FORWARD_ONLY = 0x20;
  private static final int WBEM_FLAG_RETURN_IMMEDIATELY = 0x10;
  private static final int WBEM_INFINITE = -1;

  private final ExecutorService com =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "e3-vss-com");
            t.setDaemon(true);
            return t;
          });

  @Override
  public ShadowCopy create(String volume, Path exposeUnder, Duration timeout) throws ShimException {
    Future<String[]> created = com.submit(inCom(() -> wmiCreate(volume)));
    String[] idAndDevice;
    try {
      idAndDevice = created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      com.submit(
          () -> {
            try {
              delete(created.get()[0]);
            } catch (Exception late) {
              LOG.warn("event=vss_late_shadow_cleanup_failed error={}", late.toString());
            }
            return null;
          });
      throw new ShadowCopyException(volume, VssError.TIMEOUT);
    } catch (ExecutionException e) {
      throw unwrap(volume, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShimException("interrupted while creating a shadow copy of " + volume, e);
    }
    String id = idAndDevice[0];
    String device = idAndDevice[1];
    Path link = exposeUnder.resolve(id.replace("{", "").replace("}", ""));
    try {
      Files.createDirectories(exposeUnder);
      Files.deleteIfExists(link);
    } catch (IOException e) {
      delete(id);
      throw new ShimException("cannot prepare " + link + " for the shadow copy: " + e, e);
    }
    if (!NativeApis.kernel32()
        .CreateSymbolicLink(link.toString(), device + "\\", SYMBOLIC_LINK_FLAG_DIRECTORY)) {
      int error = Kernel32.INSTANCE.GetLastError();
      delete(id);
      throw ShimException.win32("CreateSymbolicLink(" + link + " → " + device + ")", error, null);
    }
    return new ShadowCopy(id, volume, device, Path.of(volume), link);
  }

  @Override
  public void release(ShadowCopy shadow) throws ShimException {
    try {
      Files.deleteIfExists(shadow.root()); // the link only: RemoveDirectory leaves the target
    } catch (IOException e) {
      LOG.warn("event=vss_link_remove_failed link={} error={}", shadow.root(), e.toString());
    }
    delete(shadow.id());
  }

  @Override
  public void delete(String id) throws ShimException {
    call(
        "delete shadow copy " + id,
        () -> {
          Wbemcli.IWbemServices svc = WbemcliUtil.connectServer("ROOT\\CIMV2");
          try {
            WinNT.HRESULT hr =
                new Services(svc.getPointer())
                    .deleteInstance("Win32_ShadowCopy.ID='" + id.replace("'", "") + "'");
            int code = hr.intValue();
            if (code != 0 && code != 0x80041002 /* WBEM_E_NOT_FOUND */) {
              throw new COMException("DeleteInstance", hr);
            }
            return null;
          } finally {
            svc.Release();
          }
        });
  }

  @Override
  public List<String> list() throws ShimException {
    return call(
        "list shadow copies",
        () -> {
          Wbemcli.IWbemServices svc = WbemcliUtil.connectServer("ROOT\\CIMV2");
          try {
            List<String> ids = new ArrayList<>();
            for (Wbemcli.IWbemClassObject o : query(svc, "SELECT ID FROM Win32_ShadowCopy")) {
              ids.add(string(o, "ID"));
              o.Release();
            }
            return ids;
          } finally {
            svc.Release();
          }
        });
  }

  @Override
  public List<ShadowInfo> shadows() throws ShimException {
    Map<String, String> drives = driveRootsByVolumeName();
    return call(
        "list shadow copies",
        () -> {
          Wbemcli.IWbemServices svc = WbemcliUtil.connectServer("ROOT\\CIMV2");
          try {
            List<ShadowInfo> out = new ArrayList<>();
            for (Wbemcli.IWbemClassObject o :
                query(svc, "SELECT ID, VolumeName, InstallDate FROM Win32_ShadowCopy")) {
              String volumeName = string(o, "VolumeName");
              out.add(
                  new ShadowInfo(
                      string(o, "ID"),
                      volumeName == null ? null : drives.get(volumeName.toLowerCase(Locale.ROOT)),
                      cimDateTime(string(o, "InstallDate"))));
              o.Release();
            }
            return out;
          } finally {
            svc.Release();
          }
        });
  }

  /**
   * {@code \\?\Volume{GUID}\} (lower case) → {@code C:\} for each lettered drive, through {@code
   * GetVolumeNameForVolumeMountPointW}: Win32_ShadowCopy names volumes by GUID path only.
   */
  private static Map<String, String> driveRootsByVolumeName() {
    Map<String, String> out = new HashMap<>();
    int mask = NativeApis.kernel32().GetLogicalDrives();
    for (int i = 0; i < 26; i++) {
      if ((mask & (1 << i)) == 0) {
        continue;
      }
      String root = (char) ('A' + i) + ":\\";
      char[] name = new char[64];
      if (Kernel32.INSTANCE.GetVolumeNameForVolumeMountPoint(root, name, name.length)) {
        out.put(Native.toString(name).toLowerCase(Locale.ROOT), root);
      }
    }
    return out;
  }

  /**
   * A CIM DATETIME ({@code yyyymmddHHMMSS.mmmmmmsUUU}, UUU the offset from UTC in minutes; WMI's
   * "CIM_DATETIME" docs) as an instant; null when absent or malformed.
   */
  static Instant cimDateTime(String value) {
    if (value == null || value.length() < 25) {
      return null;
    }
    try {
      LocalDateTime local =
          LocalDateTime.parse(value.substring(0, 14), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
              .plusNanos(Long.parseLong(value.substring(15, 21)) * 1000);
      int offsetMinutes = Integer.parseInt(value.substring(22, 25));
      if (value.charAt(21) == '-') {
        offsetMinutes = -offsetMinutes;
      } else if (value.charAt(21) != '+') {
        return null;
      }
      return local.toInstant(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code Win32_ShadowCopy.Create(volume, "ClientAccessible")} → {id, DeviceObject}. */
  private static String[] wmiCreate(String volume) throws ShadowCopyException {
    Wbemcli.IWbemServices svc = WbemcliUtil.connectServer("ROOT\\CIMV2");
    try {
      Wbemcli.IWbemClassObject cls = svc.GetObject("Win32_ShadowCopy", 0, null);
      Wbemcli.IWbemClassObject in = cls.GetMethod("Create").SpawnInstance();
      in.Put("Volume", volume);
      in.Put("Context", "ClientAccessible");
      Wbemcli.IWbemClassObject out = svc.ExecMethod("Win32_ShadowCopy", "Create", 0, null, in);
      int rc = integer(out, "ReturnValue");
      if (rc != 0) {
        throw new ShadowCopyException(volume, VssError.ofCode(rc));
      }
      String id = string(out, "ShadowID");
      String device = null;
      for (Wbemcli.IWbemClassObject o :
          query(svc, "SELECT DeviceObject FROM Win32_ShadowCopy WHERE ID='" + id + "'")) {
        device = string(o, "DeviceObject");
        o.Release();
      }
      if (device == null) {
        throw new ShadowCopyException(volume, VssError.PROVIDER_FAILURE);
      }
      return new String[] {id, device};
    } finally {
      svc.Release();
    }
  }

  private static List<Wbemcli.IWbemClassObject> query(Wbemcli.IWbemServices svc, String wql) {
    Wbemcli.IEnumWbemClassObject rows =
        svc.ExecQuery("WQL", wql, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, null);
    List<Wbemcli.IWbemClassObject> out = new ArrayList<>();
    try {
      while (true) {
        Wbemcli.IWbemClassObject[] next = rows.Next(WBEM_INFINITE, 1);
        if (next.length == 0) {
          return out;
        }
        out.add(next[0]);
      }
    } finally {
      rows.Release();
    }
  }

  private static int integer(Wbemcli.IWbemClassObject o, String name) {
    Variant.VARIANT.ByReference v = new Variant.VARIANT.ByReference();
    o.Get(name, 0, v, null, null);
    try {
      return v.intValue();
    } finally {
      OleAuto.INSTANCE.VariantClear(v);
    }
  }

  private static String string(Wbemcli.IWbemClassObject o, String name) {
    Variant.VARIANT.ByReference v = new Variant.VARIANT.ByReference();
    o.Get(name, 0, v, null, null);
    try {
      return v.stringValue();
    } finally {
      OleAuto.INSTANCE.VariantClear(v);
    }
  }

  private <T> T call(String what, Callable<T> body) throws ShimException {
    try {
      return com.submit(inCom(body)).get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw unwrap(what, e.getCause());
    } catch (TimeoutException e) {
      throw new ShimException(what + ": WMI did not answer within 2 minutes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShimException(what + ": interrupted", e);
    }
  }

  /** Runs {@code body} with COM initialized (MTA) on the calling pool thread. */
  private static <T> Callable<T> inCom(Callable<T> body) {
    return () -> {
      WinNT.HRESULT init = Ole32.INSTANCE.CoInitializeEx(null, Ole32.COINIT_MULTITHREADED);
      boolean initialized = init.intValue() == 0 || init.intValue() == 1; // S_OK, S_FALSE
      try {
        WinNT.HRESULT security =
            Ole32.INSTANCE.CoInitializeSecurity(
                null, -1, null, null, 0 /* default */, 3 /* impersonate */, null, 0, null);
        if (security.intValue() != 0 && security.intValue() != WinError.RPC_E_TOO_LATE) {
          LOG.debug("event=com_security hresult={}", Integer.toHexString(security.intValue()));
        }
        return body.call();
      } finally {
        if (initialized) {
          Ole32.INSTANCE.CoUninitialize();
        }
      }
    };
  }

  private static ShimException unwrap(String what, Throwable cause) {
    if (cause instanceof ShimException e) {
      return e;
    }
    if (cause instanceof COMException e && e.getHresult() != null) {
      int hr = e.getHresult().intValue();
      if (hr == WinError.E_ACCESSDENIED || hr == WBEM_E_ACCESS_DENIED) {
        return new ShadowCopyException(what, VssError.ACCESS_DENIED);
      }
      return new ShimException(what + " failed: HRESULT 0x" + Integer.toHexString(hr), e);
    }
    return new ShimException(what + " failed: " + cause, cause);
  }

  /** IWbemServices with DeleteInstance, which jna-platform does not declare (vtable slot 16). */
  private static final class Services extends Wbemcli.IWbemServices {
    Services(Pointer p) {
      super(p);
    }

    WinNT.HRESULT deleteInstance(String objectPath) {
      WTypes.BSTR path = OleAuto.INSTANCE.SysAllocString(objectPath);
      try {
        return (WinNT.HRESULT)
            _invokeNativeObject(
                16, new Object[] {getPointer(), path, 0, null, null}, WinNT.HRESULT.class);
      } finally {
        OleAuto.INSTANCE.SysFreeString(path);
      }
    }
  }
}
