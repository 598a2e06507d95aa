package ca.eazybackup.e3.agent.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A job as the addon hands it to the agent: the {@code run} of {@code agent_next_run.php}, and the
 * {@code job} context of a command. Field names are the wire names of docs/agent-api.md.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunAssignment(
    @JsonProperty("run_id") Long runId,
    @JsonProperty("job_id") long jobId,
    @JsonProperty("job_name") String jobName,
    @JsonProperty("run_type") String runType,
    @JsonProperty("engine") String engine,
    @JsonProperty("source_type") String sourceType,
    @JsonProperty("source_path") String sourcePath,
    @JsonProperty("source_paths") List<String> sourcePaths,
    @JsonProperty("dest_type") String destType,
    @JsonProperty("dest_bucket") String destBucket,
    @JsonProperty("dest_prefix") String destPrefix,
    @JsonProperty("dest_local_path") String destLocalPath,
    @JsonProperty("dest_endpoint") String destEndpoint,
    @JsonProperty("dest_region") String destRegion,
    @JsonProperty("dest_access_key") String destAccessKey,
    @JsonProperty("dest_secret_key") String destSecretKey,
    @JsonProperty("bucket_auto_create") boolean bucketAutoCreate,
    @JsonProperty("local_include_glob") String localIncludeGlob,
    @JsonProperty("local_exclude_glob") String localExcludeGlob,
    @JsonProperty("bandwidth_limit_kbps") long bandwidthLimitKbps,
    @JsonProperty("local_bandwidth_limit_kbps") long localBandwidthLimitKbps,
    @JsonProperty("parallelism") int parallelism,
    @JsonProperty("encryption_mode") String encryptionMode,
    @JsonProperty("compression") String compression,
    @JsonProperty("repository_password") String repositoryPassword,
    @JsonProperty("schedule_json") JsonNode schedule,
    @JsonProperty("retention_json") JsonNode retention,
    @JsonProperty("policy_json") JsonNode policy,
    @JsonProperty("network_credentials") NetworkCredentials networkCredentials,
    @JsonProperty("reclaimed") boolean reclaimed,
    @JsonProperty("progress_json") JsonNode lastProgress,
    @JsonProperty("vss_mode") String vssMode) {

  @com.fasterxml.jackson.annotation.JsonCreator
  public RunAssignment {
    sourcePaths = sourcePaths == null ? List.of() : List.copyOf(sourcePaths);
  }

  /** A job without {@code vss_mode} (an addon before it, tools and tests): the agent's default. */
  public RunAssignment(
      Long runId,
      long jobId,
      String jobName,
      String runType,
      String engine,
      String sourceType,
      String sourcePath,
      List<String> sourcePaths,
      String destType,
      String destBucket,
      String destPrefix,
      String destLocalPath,
      String destEndpoint,
      String destRegion,
      String destAccessKey,
      String destSecretKey,
      boolean bucketAutoCreate,
      String localIncludeGlob,
      String localExcludeGlob,
      long bandwidthLimitKbps,
      long localBandwidthLimitKbps,
      int parallelism,
      String encryptionMode,
      String compression,
      String repositoryPassword,
      JsonNode schedule,
      JsonNode retention,
      JsonNode policy,
      NetworkCredentials networkCredentials,
      boolean reclaimed,
      JsonNode lastProgress) {
    this(
        runId,
        jobId,
        jobName,
        runType,
        engine,
        sourceType,
        sourcePath,
        sourcePaths,
        destType,
        destBucket,
        destPrefix,
        destLocalPath,
        destEndpoint,
        destRegion,
        destAccessKey,
        destSecretKey,
        bucketAutoCreate,
        localIncludeGlob,
        localExcludeGlob,
        bandwidthLimitKbps,
        localBandwidthLimitKbps,
        parallelism,
        encryptionMode,
        compression,
        repositoryPassword,
        schedule,
        retention,
        policy,
        networkCredentials,
        reclaimed,
        lastProgress,
        null);
  }

  /** The job's sources: {@code source_paths}, else the single {@code source_path}. */
  public List<String> sources() {
    if (!sourcePaths.isEmpty()) {
      return sourcePaths;
    }
    return sourcePath == null || sourcePath.isBlank() ? List.of() : List.of(sourcePath);
  }

  /**
   * The same job with other sources: the runner hands engines the local paths that {@code
   * WindowsHost.resolve} made of the addon's paths.
   */
  public RunAssignment withSources(List<String> sources) {
    return new RunAssignment(
        runId,
        jobId,
        jobName,
        runType,
        engine,
        sourceType,
        sources.isEmpty() ? sourcePath : sources.get(0),
        sources,
        destType,
        destBucket,
        destPrefix,
        destLocalPath,
        destEndpoint,
        destRegion,
        destAccessKey,
        destSecretKey,
        bucketAutoCreate,
        localIncludeGlob,
        localExcludeGlob,
        bandwidthLimitKbps,
        localBandwidthLimitKbps,
        parallelism,
        encryptionMode,
        compression,
        repositoryPassword,
        schedule,
        retention,
        policy,
        networkCredentials,
        reclaimed,
        lastProgress,
        vssMode);
  }

  /** Never prints the keys or the repository password. */
  @Override
  public String toString() {
    return "RunAssignment[run_id="
        + runId
        + ", job_id="
        + jobId
        + ", engine="
        + engine
        + ", sources="
        + sources()
        + ", dest="
        + destType
        + ":"
        + destBucket
        + "/"
        + destPrefix
        + "]";
  }

  /** Credentials for a UNC source, decrypted by the addon for this agent only. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record NetworkCredentials(
      @JsonProperty("username") String username,
      @JsonProperty("password") String password,
      @JsonProperty("domain") String domain) {

    @Override
    public String toString() {
      return "NetworkCredentials[username=" + username + ", domain=" + domain + ", password=***]";
    }
  }
}
