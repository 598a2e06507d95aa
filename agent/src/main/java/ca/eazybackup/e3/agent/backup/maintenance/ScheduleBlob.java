package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.GoTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code kopia.maintenance} blob, as Kopia's repo/maintenance/maintenance_schedule.go writes
 * it: {@code nonce(12) ‖ AES-256-GCM(JSON)} with key {@code DeriveKey("maintenance schedule", 32)}
 * and AAD {@code "maintenance"}; JSON {@code {"nextFullMaintenance","nextQuickMaintenance",
 * "runs":{task:[{start,end,success,error}]}}}, at most 5 runs per task, newest first. Unknown
 * fields and tasks written by Kopia are kept as they are.
 */
final class ScheduleBlob {
  static final String BLOB_ID = "kopia.maintenance";
  static final int MAX_RUNS_PER_TASK = 5;
  private static final byte[] AAD = "maintenance".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final byte[] key;
  final ObjectNode json;

  private ScheduleBlob(byte[] key, ObjectNode json) {
    this.key = key;
    this.json = json;
  }

  /** The repository's schedule; an empty one (everything due) when the blob does not exist. */
  static ScheduleBlob read(Repository repo) throws IOException {
    byte[] key = repo.deriveKey("maintenance schedule", 32);
    byte[] data;
    try {
      data = repo.storage().get(BLOB_ID, 0, -1);
    } catch (BlobNotFoundException e) {
      return new ScheduleBlob(key, JSON.createObjectNode());
    }
    if (data.length < 12 + 16) {
      throw new IOException(BLOB_ID + " is too short to be a maintenance schedule");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(128, data, 0, 12));
      c.updateAAD(AAD);
      JsonNode n = JSON.readTree(c.doFinal(data, 12, data.length - 12));
      return new ScheduleBlob(key, n instanceof ObjectNode o ? o : JSON.createObjectNode());
    } catch (GeneralSecurityException e) {
      throw new IOException(BLOB_ID + " cannot be decrypted: " + e.getMessage(), e);
    }
  }

  void write(BlobStorage storage) throws IOException {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(AAD);
      byte[] body = c.doFinal(JSON.writeValueAsBytes(json));
      byte[] out = new byte[12 + body.length];
      System.arraycopy(nonce, 0, out, 0, 12);
      System.arraycopy(body, 0, out, 12, body.length);
      storage.put(BLOB_ID, out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The time in {@code field}, or {@link Instant#EPOCH} when unset (Go's zero time: due). */
  Instant time(String field) {
    JsonNode v = json.get(field);
    if (v == null || !v.isTextual() || v.asText().startsWith("0001-")) {
      return Instant.EPOCH;
    }
    return GoTime.parseInstant(v.asText());
  }

  void setTime(String field, Instant t) {
    json.put(field, GoTime.format(t));
  }

  /** Records one run of {@code task}, newest first, keeping {@link #MAX_RUNS_PER_TASK}. */
  void addRun(String task, Instant start, Instant end, boolean success, String error) {
    ObjectNode runs = json.with("runs");
    ArrayNode old = runs.get(task) instanceof ArrayNode a ? a : JSON.createArrayNode();
    ArrayNode list = JSON.createArrayNode();
    ObjectNode run = list.addObject();
    run.put("start", GoTime.format(start));
    run.put("end", GoTime.format(end));
    run.put("success", success);
    if (error != null) {
      run.put("error", error);
    }
    for (int i = 0; i < old.size() && list.size() < MAX_RUNS_PER_TASK; i++) {
      list.add(old.get(i));
    }
    runs.set(task, list);
  }
}
