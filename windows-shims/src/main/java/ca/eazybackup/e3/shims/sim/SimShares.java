package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsPath;

/**
 * Deviceless share connections per logon session, checked against the credentials file: a wrong
 * password fails with ERROR_LOGON_FAILURE, a second account on the same server with
 * ERROR_SESSION_CREDENTIAL_CONFLICT, as Windows does.
 */
final class SimShares implements NetworkShares {
  private final SimulatedWindowsHost host;

  SimShares(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public void connect(String shareRoot, String username, char[] password, String domain)
      throws ShimException {
    ShareCredentials.Account account = ShareCredentials.Account.of(username, domain);
    Object[] fields = {
      "share", shareRoot, "username", account.user(), "domain", account.domain(), "password", "***"
    };
    try {
      String share = shareRootOf(shareRoot);
      host.shareFolder(share, "WNetAddConnection2");
      if (!host.credentials().accepts(share, username, domain, password)) {
        throw ShimException.win32(
            "WNetAddConnection2(" + share + ") as " + account.qualified(),
            Win32Error.ERROR_LOGON_FAILURE,
            null);
      }
      String server = WindowsPath.parse(share).server();
      host.store()
          .update(
              state -> {
                for (SimState.Connection c : state.connections) {
                  boolean sameServer =
                      c.session().equals(host.session())
                          && WindowsPath.parse(c.share()).server().equalsIgnoreCase(server);
                  String existing =
                      ShareCredentials.Account.of(c.username(), c.domain()).qualified();
                  if (sameServer && !existing.equalsIgnoreCase(account.qualified())) {
                    throw ShimException.win32(
                        "WNetAddConnection2(" + share + ") as " + account.qualified(),
                        Win32Error.ERROR_SESSION_CREDENTIAL_CONFLICT,
                        "Already connected to " + c.share() + " as " + existing + ".");
                  }
                }
                boolean already =
                    state.connections.stream()
                        .anyMatch(
                            c ->
                                c.session().equals(host.session())
                                    && c.share().equalsIgnoreCase(share));
                if (!already) {
                  state.connections.add(
                      new SimState.Connection(
                          share, host.session(), account.user(), account.domain()));
                }
                return null;
              });
      host.journal().ok("share.connect", fields);
    } catch (ShimException e) {
      fail("share.connect", e, fields);
      throw e;
    }
  }

  @Override
  public void disconnect(String shareRoot) throws ShimException {
    try {
      String share = shareRootOf(shareRoot);
      host.store()
          .update(
              state -> {
                boolean removed =
                    state.connections.removeIf(
                        c ->
                            c.session().equals(host.session())
                                && c.share().equalsIgnoreCase(share));
                if (!removed) {
                  throw ShimException.win32(
                      "WNetCancelConnection2(" + share + ")", Win32Error.ERROR_NOT_CONNECTED, null);
                }
                return null;
              });
      host.journal().ok("share.disconnect", "share", shareRoot);
    } catch (ShimException e) {
      fail("share.disconnect", e, "share", shareRoot);
      throw e;
    }
  }

  private static String shareRootOf(String shareRoot) throws ShimException {
    WindowsPath parsed = WindowsPath.parse(shareRoot);
    if (parsed.kind() != WindowsPath.Kind.UNC || !parsed.isRoot()) {
      throw ShimException.win32(
          "WNetAddConnection2(" + shareRoot + ")",
          Win32Error.ERROR_BAD_NET_NAME,
          "Expected a share root like \\\\server\\share.");
    }
    return parsed.root();
  }

  private void fail(String op, ShimException e, Object... fields) {
    Win32Error error = e.error();
    host.journal().failed(op, error == null ? "UNKNOWN" : error.name(), e.errorCode(), fields);
  }
}
