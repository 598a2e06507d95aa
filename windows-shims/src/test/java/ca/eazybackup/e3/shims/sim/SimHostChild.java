package ca.eazybackup.e3.shims.sim;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A separate process standing in for the agent: configured only by E3_SIMHOST_* environment
 * variables, it logs on to the share named in its arguments with the password read from stdin.
 */
public final class SimHostChild {
  private SimHostChild() {}

  public static void main(String[] args) throws Exception {
    SimulatedWindowsHost host = SimulatedWindowsHost.fromEnvironment();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    char[] password = in.readLine().toCharArray();
    try {
      host.networkShares().connect(args[0], args[1], password, args[2]);
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
