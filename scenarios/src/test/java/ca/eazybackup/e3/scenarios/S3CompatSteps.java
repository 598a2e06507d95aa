package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What differs between S3 stores: multipart and paged listings as the store reports them, and the
 * client settings the seed's Go agent got wrong against Ceph RGW, each shown failing with the wrong
 * settings and passing with the agent's own {@link S3ClientFactory}.
 */
public final class S3CompatSteps {
  private static final Set<String> TERMINAL_COMMAND = Set.of("completed", "failed");

  private final ScenarioWorld w;
  private long commandId;
  private JsonNode command;
  private List<S3Object> listed;
  private Exception listFailure;
  private byte[] uploaded;
  private String uploadedKey;
  private S3Exception uploadFailure;

  public S3CompatSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("the addon hands agents the S3 endpoint by the host name {string}")
  public void namedEndpoint(String host) {
    URI ip = w.env.s3().endpoint();
    setAgentS3Endpoint(withHost(ip, host).toString());
    w.cleanups.push(() -> setAgentS3Endpoint(ip.toString()));
  }

  @Given("a bucket {string} of the client")
  public void aBucket(String name) {
    w.bucket = w.bucket(name, true);
  }

  @Then("the bucket holds a multipart object and a folder listed over more than one page")
  public void multipartAndPaging() {
    S3Client s3 = w.env.s3().client();
    long cutoff = 16L << 20;
    List<S3Object> large =
        listAll(s3, w.bucket, w.prefix + "/").stream().filter(o -> o.size() > cutoff).toList();
    assertThat(large).as("objects above the sync engine's multipart cutoff").isNotEmpty();
    if (!w.env.s3().kind().equals("s3proxy")) {
      // S3Proxy's filesystem backend gives a completed multipart upload a whole-object MD5;
      // real stores (RGW, MinIO, AWS) answer <md5 of part md5s>-<part count>.
      for (S3Object o : large) {
        assertThat(o.eTag()).as("ETag of %s", o.key()).matches("\"?[0-9a-f]{32}-[0-9]+\"?");
      }
    }
    int pages = 0;
    int keys = 0;
    String token = null;
    do {
      ListObjectsV2Response page =
          s3.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket(w.bucket)
                  .prefix(w.prefix + "/flat/")
                  .maxKeys(1000)
                  .continuationToken(token)
                  .build());
      pages++;
      keys += page.keyCount();
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    long expected = w.manifest.paths().stream().filter(p -> p.startsWith("flat/")).count();
    assertThat(keys).as("keys listed under flat/").isEqualTo(expected);
    assertThat(pages).as("listing pages of 1,000 keys").isGreaterThan(1);
  }

  @Then("no object in the bucket was written again")
  public void nothingRewritten() {
    JsonNode first = run(w.runIds.get(0));
    Instant firstFinished = Instant.parse(first.path("finished_at").asText());
    List<S3Object> all = listAll(w.env.s3().client(), w.bucket, w.prefix + "/");
    assertThat(all).hasSize(w.manifest.fileCount());
    // LastModified has whole seconds on most stores: nothing may be newer than run 1's end.
    assertThat(all)
        .allSatisfy(
            o ->
                assertThat(o.lastModified())
                    .as("last modified of %s", o.key())
                    .isBeforeOrEqualTo(firstFinished));
  }

  @When("the client requests {string} for the job")
  public void requestForJob(String type) {
    commandId =
        w.api()
            .post("cloudbackup_request_command.php", Map.of("type", type, "job_id", w.jobId))
            .path("command_id")
            .asLong();
  }

  @Then("the command ends {string} within {int} seconds")
  public void commandEnds(String status, int seconds) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              command =
                  w.env
                      .simControl()
                      .post("sim/command", Map.of("command_id", commandId))
                      .path("command");
              return TERMINAL_COMMAND.contains(command.path("status").asText());
            });
    assertThat(command.path("status").asText())
        .as("command %s%s", command, w.diagnostics())
        .isEqualTo(status);
  }

  @Then("the command's result mentions {string}")
  public void commandResultMentions(String text) {
    assertThat(command.path("result_message").asText()).as("command %s", command).contains(text);
  }

  @When(
      "a client with the SDK's default addressing lists the bucket through the host name {string}")
  public void defaultAddressingLists(String host) {
    URI named = withHost(w.env.s3().endpoint(), host);
    try (S3Client sdkDefaults =
        S3Client.builder()
            .endpointOverride(named)
            .region(Region.of(w.env.s3().region()))
            .credentialsProvider(credentials())
            // Only the addressing is left at the SDK's default (virtual-hosted); checksums are
            // set as RGW needs so that this scenario shows one lesson at a time.
            .requestChecksumCalculation(
                software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(
                software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(ApacheHttpClient.builder().dnsResolver(wildcardDns(host)))
            .build()) {
      list(sdkDefaults);
    }
  }

  @When(
      "a client built by the agent's S3 client factory lists the bucket through the host name {string}")
  public void factoryLists(String host) {
    try (S3ClientFactory factory = new S3ClientFactory()) {
      list(factory.client(target(withHost(w.env.s3().endpoint(), host))));
    }
  }

  @Then("the listing succeeds with {int} objects")
  public void listingSucceedsWith(int n) {
    assertThat(listFailure).as("listing error").isNull();
    assertThat(listed).hasSize(n);
  }

  @Then("the listing holds every file of the folder")
  public void listingHoldsEveryFile() {
    assertThat(listFailure).as("listing error").isNull();
    List<String> keys = new ArrayList<>();
    String under = w.prefix + "/";
    for (S3Object o : listed) {
      assertThat(o.key()).startsWith(under);
      keys.add(o.key().substring(under.length()));
    }
    assertThat(keys).containsExactlyInAnyOrderElementsOf(w.manifest.paths());
  }

  @When("a client with the SDK's default checksum settings uploads {string} of {int} MiB")
  public void defaultChecksumsUpload(String key, int mib) {
    try (S3Client sdkDefaults =
        S3Client.builder()
            .endpointOverride(w.env.s3().endpoint())
            .region(Region.of(w.env.s3().region()))
            .credentialsProvider(credentials())
            .forcePathStyle(true)
            .httpClientBuilder(ApacheHttpClient.builder())
            .build()) {
      upload(sdkDefaults, key, mib);
    }
  }

  @When("a client built by the agent's S3 client factory uploads {string} of {int} MiB")
  public void factoryUploads(String key, int mib) {
    try (S3ClientFactory factory = new S3ClientFactory()) {
      upload(factory.client(target(w.env.s3().endpoint())), key, mib);
    }
    assertThat(uploadFailure).as("upload error").isNull();
  }

  @Then("the store rejects the upload with HTTP status {int}")
  public void uploadRejected(int status) {
    assertThat(uploadFailure).as("the upload was expected to fail").isNotNull();
    assertThat(uploadFailure.statusCode()).isEqualTo(status);
    assertThat(listAll(w.env.s3().client(), w.bucket, uploadedKey))
        .as("a rejected upload stores nothing")
        .isEmpty();
  }

  @Then("{string} reads back byte for byte")
  public void readsBack(String key) {
    byte[] back =
        w.env.s3().client().getObjectAsBytes(r -> r.bucket(w.bucket).key(key)).asByteArray();
    assertThat(back).isEqualTo(uploaded);
  }

  private void upload(S3Client s3, String key, int mib) {
    uploaded = new byte[mib << 20];
    new Random(key.hashCode()).nextBytes(uploaded);
    uploadedKey = key;
    uploadFailure = null;
    try {
      s3.putObject(r -> r.bucket(w.bucket).key(key), RequestBody.fromBytes(uploaded));
    } catch (S3Exception e) {
      uploadFailure = e;
    }
  }

  private void list(S3Client s3) {
    listed = null;
    listFailure = null;
    try {
      listed = listAll(s3, w.bucket, w.prefix + "/");
    } catch (RuntimeException e) {
      listFailure = e;
    }
  }

  private static List<S3Object> listAll(S3Client s3, String bucket, String prefix) {
    List<S3Object> all = new ArrayList<>();
    s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
        .contents()
        .forEach(all::add);
    return all;
  }

  private JsonNode run(long runId) {
    for (JsonNode r :
        w.api().post("cloudbackup_list_runs.php", Map.of("job_id", w.jobId)).path("runs")) {
      if (r.path("run_id").asLong() == runId) {
        return r;
      }
    }
    throw new AssertionError("run " + runId + " not listed");
  }

  private void setAgentS3Endpoint(String url) {
    w.env.simControl().post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", url));
  }

  private S3Target target(URI endpoint) {
    return new S3Target(
        endpoint.toString(), w.env.s3().region(), w.env.s3().accessKey(), w.env.s3().secretKey());
  }

  private StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(w.env.s3().accessKey(), w.env.s3().secretKey()));
  }

  private static URI withHost(URI uri, String host) {
    return URI.create(uri.getScheme() + "://" + host + ":" + uri.getPort());
  }

  /**
   * The wildcard DNS record a production S3 service has (*.s3.example.com), for {@code host}:
   * {@code bucket.host} resolves to loopback, so a virtual-hosted request reaches the store.
   */
  private static org.apache.http.conn.DnsResolver wildcardDns(String host) {
    String suffix = "." + host.toLowerCase(Locale.ROOT);
    return name -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.equals(host) || n.endsWith(suffix)) {
        return new InetAddress[] {InetAddress.getLoopbackAddress()};
      }
      throw new UnknownHostException(name);
    };
  }
}
