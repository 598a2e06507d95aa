package ca.eazybackup.e3.shims;

/** The control codes the agent's service accepts (winsvc.h SERVICE_CONTROL_*). */
public enum ServiceControlRequest {
  STOP(0x1),
  INTERROGATE(0x4),
  /** System shutdown: WaitToKillServiceTimeout (5 s on current Windows) until the process dies. */
  SHUTDOWN(0x5),
  /** Sent before SHUTDOWN to services that accept it; the SCM waits for the preshutdown timeout. */
  PRESHUTDOWN(0xF);

  private final int code;

  ServiceControlRequest(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The request for a winsvc.h code, or null for one the agent does not accept. */
  public static ServiceControlRequest ofCode(int code) {
    for (ServiceControlRequest r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
