package ca.eazybackup.e3.agent.netshare;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.shims.NetworkShares;
import java.util.List;

/**
 * Logs on to every {@code \\server\share} among a run's UNC sources before the run and off after it
 * (also on failure), with the job's credentials. Placeholder until the feature lands: no-op.
 */
public final class NetworkShareSession implements AutoCloseable {

  private NetworkShareSession() {}

  public static NetworkShareSession open(
      NetworkShares shares,
      List<String> sourcePaths,
      RunAssignment.NetworkCredentials credentials,
      ProgressReporter progress)
      throws NetworkShareException {
    return new NetworkShareSession();
  }

  @Override
  public void close() {}
}
