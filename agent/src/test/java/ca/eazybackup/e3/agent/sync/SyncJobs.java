package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Sync jobs as the addon would send them, with only what a test varies. */
record SyncJobs(
    S3Fixture s3,
    String bucket,
    String prefix,
    List<String> sources,
    String include,
    String exclude,
    ObjectNode policy,
    boolean autoCreate,
    long bandwidthKbps,
    int parallelism) {

  static final ObjectMapper JSON = new ObjectMapper();

  static SyncJobs of(S3Fixture s3, String bucket, String prefix, String source) {
    return new SyncJobs(
        s3, bucket, prefix, List.of(source), null, null, JSON.createObjectNode(), true, 0, 4);
  }

  SyncJobs filters(String include, String exclude) {
    return new SyncJobs(
        s3,
        bucket,
        prefix,
        sources,
        include,
        exclude,
        policy,
        autoCreate,
        bandwidthKbps,
        parallelism);
  }

  SyncJobs sources(List<String> sources) {
    return new SyncJobs(
        s3,
        bucket,
        prefix,
        sources,
        include,
        exclude,
        policy,
        autoCreate,
        bandwidthKbps,
        parallelism);
  }

  SyncJobs policy(String key, Object value) {
    ObjectNode copy = policy.deepCopy();
    copy.set(key, JSON.valueToTree(value));
    return new SyncJobs(
        s3,
        bucket,
        prefix,
        sources,
        include,
        exclude,
        copy,
        autoCreate,
        bandwidthKbps,
        parallelism);
  }

  SyncJobs autoCreate(boolean on) {
    return new SyncJobs(
        s3, bucket, prefix, sources, include, exclude, policy, on, bandwidthKbps, parallelism);
  }

  SyncJobs bandwidth(long kbps, int parallel) {
    return new SyncJobs(
        s3, bucket, prefix, sources, include, exclude, policy, autoCreate, kbps, parallel);
  }

  RunAssignment build() {
    return new RunAssignment(
        7L,
        42L,
        "sync test",
        "backup",
        "sync",
        "local",
        null,
        sources,
        "s3",
        bucket,
        prefix,
        null,
        s3.endpoint().toString(),
        s3.region(),
        s3.accessKey(),
        s3.secretKey(),
        autoCreate,
        include,
        exclude,
        bandwidthKbps,
        0,
        parallelism,
        null,
        null,
        null,
        null,
        null,
        policy,
        null,
        false,
        null);
  }
}
