package ca.eazybackup.e3.agent.nas.mount;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drives this agent has mounted, in {@code <nas>/mounts.json}, so that the next process can
 * clear their mappings and upload what a killed process left in their caches even when the addon no
 * longer lists the mount. The secret key is kept only sealed with DPAPI (machine scope, {@code
 * dpapi:<base64>}); on a host without DPAPI it is not kept at all and the addon's copy is used.
 */
final class MountStore {
  private static final Logger log = LoggerFactory.getLogger(MountStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DPAPI_PREFIX = "dpapi:";

  /** One mounted drive as remembered; {@code sealedSecret} is {@code dpapi:…} or null. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Entry(
      @JsonProperty("mount_id") long mountId,
      @JsonProperty("drive_letter") String driveLetter,
      @JsonProperty("bucket") String bucket,
      @JsonProperty("prefix") String prefix,
      @JsonProperty("cache_mode") String cacheMode,
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("region") String region,
      @JsonProperty("access_key") String accessKey,
      @JsonProperty("secret_key") String sealedSecret,
      @JsonProperty("url") String url,
      @JsonProperty("snapshot") String snapshot) {}

  private final Path file;
  private final WindowsHost host;

  MountStore(Path file, WindowsHost host) {
    this.file = file;
    this.host = host;
  }

  Path file() {
    return file;
  }

  synchronized List<Entry> entries() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() {});
    } catch (IOException e) {
      // A torn or hand-edited file loses only the resume-without-addon fallback; say so.
      log.warn("nas.mount_store_unreadable file={} error={}", file, e.toString());
      return List.of();
    }
  }

  synchronized void put(MountRequest r, String url) {
    List<Entry> all = new ArrayList<>(entries());
    all.removeIf(e -> e.mountId() == r.mountId());
    all.add(
        new Entry(
            r.mountId(),
            String.valueOf(r.driveLetter()),
            r.bucket(),
            r.prefix(),
            r.cacheMode().wireName(),
            r.endpoint(),
            r.region(),
            r.accessKey(),
            seal(r.secretKey()),
            url,
            null));
    write(all);
  }

  /**
   * A Time Machine drive: no keys kept (it has nothing to upload), only what the next process needs
   * to clear its mapping and report it gone; {@code snapshot} is its manifest id.
   */
  synchronized void putSnapshot(MountRequest r, String url, String snapshot) {
    List<Entry> all = new ArrayList<>(entries());
    all.removeIf(e -> e.mountId() == r.mountId());
    all.add(
        new Entry(
            r.mountId(),
            String.valueOf(r.driveLetter()),
            r.bucket(),
            r.prefix(),
            r.cacheMode().wireName(),
            r.endpoint(),
            r.region(),
            null,
            null,
            url,
            snapshot));
    write(all);
  }

  synchronized void remove(long mountId) {
    List<Entry> all = new ArrayList<>(entries());
    if (all.removeIf(e -> e.mountId() == mountId)) {
      write(all);
    }
  }

  /** The secret of an entry, unsealed on this machine; empty when none was kept or it fails. */
  Optional<String> secret(Entry e) {
    String raw = e.sealedSecret();
    if (raw == null || !raw.startsWith(DPAPI_PREFIX)) {
      return Optional.empty();
    }
    try {
      byte[] blob = Base64.getDecoder().decode(raw.substring(DPAPI_PREFIX.length()));
      return Optional.of(new String(host.dataProtection().unprotect(blob), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | ShimException ex) {
      log.warn("nas.mount_secret_unreadable mount_id={} error={}", e.mountId(), ex.getMessage());
      return Optional.empty();
    }
  }

  static CacheMode cacheMode(Entry e) {
    return CacheMode.parse(e.cacheMode());
  }

  private String seal(String secret) {
    try {
      byte[] blob = host.dataProtection().protect(secret.getBytes(StandardCharsets.UTF_8));
      return DPAPI_PREFIX + Base64.getEncoder().encodeToString(blob);
    } catch (ShimException e) {
      if (e.errorCode() != Win32Error.ERROR_CALL_NOT_IMPLEMENTED.code()) {
        log.warn("nas.mount_secret_not_kept error={}", e.getMessage());
      }
      return null;
    }
  }

  /** Writes beside and moves over, so a kill mid-write leaves the old file whole. */
  private void write(List<Entry> all) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
      if (host.elevation().isElevated()) {
        // A service (SYSTEM) keeps it from other users; a non-elevated agent could not read a
        // file restricted to Administrators back, and the secret in it is sealed anyway.
        host.fileProtection().restrictToAdministrators(tmp);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | ShimException e) {
      log.warn("nas.mount_store_write_failed file={} error={}", file, e.toString());
    }
  }
}
