package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.config.AgentConfig;
import ca.eazybackup.e3.agent.config.AgentConfigFile;
import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.agent.config.ConfigSecrets;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code doctor}: checks what the agent needs, one verdict per line ({@code OK}, {@code WARN},
 * {@code FAIL}, {@code SKIP}); any FAIL makes the exit code non-zero.
 */
final class Doctor {
  private final PrintStream out;
  private final WindowsHost host;
  private int failures;

  Doctor(PrintStream out, WindowsHost host) {
    this.out = out;
    this.host = host;
  }

  /** Returns the exit code: 0 when nothing failed. */
  int check(Path configFile) {
    AgentConfig cfg;
    try {
      cfg = AgentConfigFile.load(configFile, host.dataProtection());
      verdict(
          "OK", "config", configFile + " (agent " + cfg.agentId() + ", " + cfg.apiBaseUrl() + ")");
      cfg.warnings().forEach(w -> verdict("WARN", "config", w));
    } catch (ConfigException e) {
      verdict("FAIL", "config", e.getMessage());
      verdict("SKIP", "addon", "needs a valid config");
      verdict("SKIP", "s3", "needs a valid config");
      checkHost();
      return exitCode();
    }
    checkSecrets(configFile);
    checkWritable("runs dir", cfg.runsDir());
    checkWritable("log dir", cfg.logDir());
    List<RunAssignment> jobs = checkAddon(cfg);
    checkS3(jobs);
    checkHost();
    return exitCode();
  }

  private List<RunAssignment> checkAddon(AgentConfig cfg) {
    AgentApiClient api =
        new AgentApiClient(
            cfg.apiBaseUrl(),
            cfg.agentId(),
            cfg.agentToken(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(15));
    try {
      List<RunAssignment> jobs = api.fetchJobs();
      verdict(
          "OK",
          "addon",
          "reached "
              + cfg.apiBaseUrl()
              + " as agent "
              + cfg.agentId()
              + ", "
              + jobs.size()
              + " job(s)");
      return jobs;
    } catch (ApiException e) {
      String hint =
          e.httpStatus() == 401
              ? " (check AgentID and AgentToken)"
              : e.httpStatus() == 0 ? " (check ApiBaseURL and the network)" : "";
      verdict("FAIL", "addon", e.getMessage() + hint);
      return List.of();
    }
  }

  private void checkS3(List<RunAssignment> jobs) {
    Map<String, RunAssignment> byEndpoint = new LinkedHashMap<>();
    for (RunAssignment j : jobs) {
      if (!"s3".equalsIgnoreCase(String.valueOf(j.destType())) || j.destEndpoint() == null) {
        continue;
      }
      byEndpoint.putIfAbsent(j.destEndpoint() + " " + j.destBucket() + " " + j.destAccessKey(), j);
    }
    if (byEndpoint.isEmpty()) {
      verdict("SKIP", "s3", "no S3 job assigned to this agent");
      return;
    }
    try (S3ClientFactory factory = new S3ClientFactory(Duration.ofSeconds(15), 4)) {
      for (RunAssignment j : byEndpoint.values()) {
        String what = "bucket '" + j.destBucket() + "' at " + j.destEndpoint();
        try {
          S3Target target =
              new S3Target(j.destEndpoint(), j.destRegion(), j.destAccessKey(), j.destSecretKey());
          factory.client(target).headBucket(b -> b.bucket(j.destBucket()));
          verdict("OK", "s3", what + " reachable");
        } catch (NoSuchBucketException e) {
          verdict(
              j.bucketAutoCreate() ? "WARN" : "FAIL",
              "s3",
              what
                  + " does not exist"
                  + (j.bucketAutoCreate()
                      ? " (the first run creates it)"
                      : ": create it or set bucket_auto_create"));
        } catch (S3Exception e) {
          String reason =
              e.statusCode() == 403
                  ? "access denied: check the bucket's access keys"
                  : e.statusCode() == 404
                      ? "does not exist: create it or set bucket_auto_create"
                      : "HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorCode();
          verdict(
              e.statusCode() == 404 && j.bucketAutoCreate() ? "WARN" : "FAIL",
              "s3",
              what + ": " + reason);
        } catch (SdkException | IllegalArgumentException e) {
          verdict("FAIL", "s3", what + " unreachable: " + e.getMessage());
        }
      }
    }
  }

  private void checkHost() {
    try {
      boolean elevated = host.elevation().isElevated();
      verdict(
          elevated ? "WARN" : "OK",
          "elevation",
          elevated
              ? "running elevated: Cloud NAS drives mapped from here are invisible to Explorer"
              : "not elevated (Cloud NAS drives will be visible to the user)");
    } catch (RuntimeException e) {
      verdict("SKIP", "elevation", e.getMessage());
    }
    try {
      ServiceState state = host.services().state("WebClient");
      verdict(
          state == ServiceState.RUNNING ? "OK" : "WARN",
          "webclient",
          "WebClient service "
              + state
              + (state == ServiceState.RUNNING ? "" : ": Cloud NAS needs it running"));
    } catch (ShimException | RuntimeException e) {
      verdict("SKIP", "webclient", e.getMessage());
    }
  }

  /** The token at rest: sealed with DPAPI where the host has it, and the file closed to others. */
  private void checkSecrets(Path configFile) {
    try {
      boolean sealed =
          ConfigSecrets.rawToken(configFile).map(ConfigSecrets::isProtected).orElse(false);
      boolean hasDpapi = dpapiAvailable();
      List<String> readers = host.fileProtection().otherReaders(configFile);
      if (hasDpapi && !sealed) {
        verdict(
            "WARN",
            "secrets",
            "AgentToken is stored unprotected in "
                + configFile
                + ": run 'e3-backup-agent service protect' (as administrator) to seal it with DPAPI");
      } else {
        verdict(
            "OK",
            "secrets",
            sealed ? "AgentToken sealed with DPAPI" : "AgentToken in a file only its owner reads");
      }
      if (!readers.isEmpty()) {
        verdict(
            "WARN",
            "secrets",
            configFile
                + " is readable by "
                + String.join(", ", readers)
                + ": run 'e3-backup-agent service protect' to restrict it");
      }
    } catch (IOException | ShimException e) {
      verdict("SKIP", "secrets", e.getMessage());
    }
  }

  private boolean dpapiAvailable() {
    try {
      host.dataProtection().protect(new byte[] {0});
      return true;
    } catch (ShimException e) {
      return false;
    }
  }

  private void checkWritable(String what, Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor", ".tmp");
      Files.delete(probe);
      verdict("OK", what, dir + " writable");
    } catch (IOException e) {
      verdict("FAIL", what, dir + " not writable: " + e);
    }
  }

  private void verdict(String level, String check, String message) {
    if (level.equals("FAIL")) {
      failures++;
    }
    out.printf("%-4s %-10s %s%n", level, check, message);
  }

  private int exitCode() {
    out.println(failures == 0 ? "verdict: healthy" : "verdict: " + failures + " check(s) failed");
    return failures == 0 ? 0 : 1;
  }
}
