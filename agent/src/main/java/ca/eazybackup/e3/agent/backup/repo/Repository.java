package ca.eazybackup.e3.agent.backup.repo;

import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobRetention;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.LockingBlobStorage;
import ca.eazybackup.e3.agent.backup.content.CacheFiles;
import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.crypto.KeyDerivation;
import ca.eazybackup.e3.agent.backup.format.ContentFormat;
import ca.eazybackup.e3.agent.backup.format.EpochParameters;
import ca.eazybackup.e3.agent.backup.format.FormatBlob;
import ca.eazybackup.e3.agent.backup.format.FormatException;
import ca.eazybackup.e3.agent.backup.format.RepositoryFormat;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kopia-format repository on blob storage: creates or opens {@code kopia.repository} with a
 * password and gives the content layer above it. Writes format version 2 (epoch indexes, index v2,
 * content-level compression); reads versions 1 and 2.
 */
public final class Repository implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Repository.class);
  static final String BUILD_VERSION = "v0.10.7";

  private final BlobStorage storage;
  private final RepositoryFormat format;
  private final KopiaContentStore contents;

  private Repository(BlobStorage storage, RepositoryFormat format, KopiaContentStore contents) {
    this.storage = storage;
    this.format = format;
    this.contents = contents;
  }

  public static boolean exists(BlobStorage storage) throws IOException {
    return storage.stat(RepositoryFormat.FORMAT_BLOB_ID).isPresent();
  }

  /**
   * Initialises a repository: writes {@code kopia.blobcfg} then {@code kopia.repository}.
   *
   * @throws RepositoryException when one already exists or an option is unsupported
   */
  public static Repository create(BlobStorage storage, String password, RepositoryOptions options)
      throws IOException {
    return create(storage, password, options, null);
  }

  /**
   * Initialises a repository whose blobs are written with S3 Object Lock {@code retention} (null:
   * none), kept in {@code kopia.blobcfg} as Kopia's {@code repository create --retention-mode
   * --retention-period} does. The store is checked for object lock before anything is written.
   */
  public static Repository create(
      BlobStorage storage, String password, RepositoryOptions options, BlobRetention retention)
      throws IOException {
    if (password == null || password.isEmpty()) {
      throw new RepositoryException("a repository password is required");
    }
    if (exists(storage)) {
      throw new RepositoryException("repository already initialized at " + storage);
    }
    if (storage.stat(RepositoryFormat.BLOBCFG_BLOB_ID).isPresent()) {
      throw new RepositoryException(
          "possible corruption: kopia.blobcfg exists at "
              + storage
              + " but kopia.repository does not");
    }
    checkSupported(options.hash(), options.encryption());
    int maxPack =
        options.maxPackSize() == 0 ? ContentFormat.DEFAULT_MAX_PACK_SIZE : options.maxPackSize();
    if (maxPack < (10 << 20) || maxPack > (120 << 20)) {
      throw new RepositoryException(
          "maxPackSize must be between 10 MiB and 120 MiB, got " + maxPack);
    }
    ContentFormat cf =
        new ContentFormat(
            options.hash(),
            options.encryption(),
            RepositoryFormat.random(32),
            RepositoryFormat.random(32),
            2,
            maxPack,
            2,
            EpochParameters.defaults(),
            true,
            null,
            options.splitter());
    if (retention != null) {
      storage.checkObjectLock();
      storage = new LockingBlobStorage(storage, retention);
    }
    RepositoryFormat rf = RepositoryFormat.create(cf, password, BUILD_VERSION);
    storage.put(RepositoryFormat.BLOBCFG_BLOB_ID, rf.encryptBlobCfg(retention));
    storage.put(RepositoryFormat.FORMAT_BLOB_ID, rf.rawBlob());
    LOG.info(
        "event=repository_created storage=\"{}\" hash={} encryption={}",
        storage,
        cf.hash(),
        cf.encryption());
    return connect(storage, rf, null, java.time.Clock.systemUTC());
  }

  private static void checkSupported(String hash, String encryption) throws RepositoryException {
    if (!Hashing.SUPPORTED.contains(hash)) {
      throw new RepositoryException("unsupported hash algorithm: " + hash);
    }
    if (!Encryption.SUPPORTED.contains(encryption)) {
      throw new RepositoryException("unsupported encryption algorithm: " + encryption);
    }
  }

  /**
   * Opens an existing repository. Nothing is written.
   *
   * @param cacheDir where index blobs are cached (per repository); null for no cache
   * @throws RepositoryException "invalid repository password", "no repository at …", or an
   *     unsupported format version or algorithm
   */
  public static Repository open(BlobStorage storage, String password, Path cacheDir)
      throws IOException {
    return open(storage, password, cacheDir, java.time.Clock.systemUTC());
  }

  /** As {@link #open(BlobStorage, String, Path)}, index entries stamped by {@code clock}. */
  public static Repository open(
      BlobStorage storage, String password, Path cacheDir, java.time.Clock clock)
      throws IOException {
    byte[] raw;
    try {
      raw = storage.get(RepositoryFormat.FORMAT_BLOB_ID, 0, -1);
    } catch (BlobNotFoundException e) {
      throw new RepositoryException(
          "no repository at " + storage + ": kopia.repository not found", e);
    }
    RepositoryFormat rf;
    try {
      rf = RepositoryFormat.open(raw, password == null ? "" : password);
    } catch (FormatException e) {
      throw new RepositoryException(e.getMessage(), e);
    }
    ContentFormat cf = rf.format();
    if (cf.version() != 1 && cf.version() != 2) {
      throw new RepositoryException(
          "unsupported repository format version "
              + cf.version()
              + " (this agent reads versions 1 and 2, written by Kopia up to v0.10)");
    }
    if (cf.upgradeLock() != null && !cf.upgradeLock().isNull()) {
      throw new RepositoryException(
          "repository is locked for a format upgrade; finish or roll back the upgrade with Kopia first");
    }
    if (cf.effectiveIndexVersion() != 1 && cf.effectiveIndexVersion() != 2) {
      throw new RepositoryException("unsupported index version " + cf.indexVersion());
    }
    checkSupported(cf.hash(), cf.encryption());
    rememberFormatBlob(cacheDir, raw);
    BlobRetention retention = readRetention(storage, rf);
    if (retention != null) {
      // Kopia's WrapLockingStorage: every writer of the repository locks what it writes.
      storage = new LockingBlobStorage(storage, retention);
    }
    return connect(storage, rf, cacheDir, clock);
  }

  /**
   * Starts deriving, on a daemon thread, the key of the repository this cache folder last opened
   * (its {@code kopia.repository} is kept there, see {@link #open}), so that scrypt — half a second
   * of one core in a fresh JVM — runs while the caller builds its S3 client and sends the first
   * requests, instead of after them. {@link #open} then finds the key derived or waits for it
   * ({@link KeyDerivation#formatKey}); when the repository or the password has changed since, it
   * derives the right key itself and the guess only cost CPU. Nothing is written.
   */
  public static void deriveKeyAhead(Path cacheDir, String password) {
    if (cacheDir == null || password == null || password.isEmpty()) {
      return;
    }
    Path cached = cacheDir.resolve(RepositoryFormat.FORMAT_BLOB_ID);
    if (!Files.isRegularFile(cached)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                FormatBlob fb = RepositoryFormat.peek(Files.readAllBytes(cached));
                if (fb != null && fb.uniqueId() != null) {
                  KeyDerivation.formatKey(fb.keyAlgorithm(), password, fb.uniqueId());
                }
              } catch (IOException | RuntimeException e) {
                // only a head start: open() derives the key itself
                LOG.debug("event=key_ahead_skipped error=\"{}\"", e.toString());
              }
            },
            "kopia-key-ahead");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Keeps the repository's {@code kopia.repository} in its cache folder (as Kopia's own cache does)
   * for {@link #deriveKeyAhead}. It holds no secret: the format inside is encrypted with the key
   * derived from the password; the clear part is the unique id and the algorithms.
   */
  private static void rememberFormatBlob(Path cacheDir, byte[] raw) {
    if (cacheDir == null) {
      return;
    }
    Path target = cacheDir.resolve(RepositoryFormat.FORMAT_BLOB_ID);
    try {
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), raw)) {
        return;
      }
      CacheFiles.writeAtomically(target, raw);
    } catch (IOException e) {
      LOG.debug("event=format_blob_cache_failed path={} error=\"{}\"", target, e.toString());
    }
  }

  private static BlobRetention readRetention(BlobStorage storage, RepositoryFormat rf)
      throws IOException {
    try {
      return rf.retention(storage.get(RepositoryFormat.BLOBCFG_BLOB_ID, 0, -1));
    } catch (BlobNotFoundException e) {
      return null; // 0.9 repositories have no blobcfg: no retention
    } catch (FormatException e) {
      throw new RepositoryException(e.getMessage(), e);
    }
  }

  /** The repository's object lock retention from {@code kopia.blobcfg}, or null for none. */
  public BlobRetention retention() {
    return storage instanceof LockingBlobStorage l ? l.retention() : null;
  }

  /**
   * Turns object lock on or changes its mode or period, as Kopia's {@code repository set-parameters
   * --retention-mode --retention-period}: {@code kopia.blobcfg} is rewritten (with the new lock
   * itself) and the repository must be opened again for writers to use it. Blobs written before
   * keep their own lock until full maintenance extends it.
   */
  public static void setRetention(
      BlobStorage storage, String password, BlobRetention retention, Path cacheDir)
      throws IOException {
    if (retention == null) {
      throw new RepositoryException("object lock cannot be turned off once it is on");
    }
    try (Repository r = open(storage, password, cacheDir)) {
      storage.checkObjectLock();
      new LockingBlobStorage(storage, retention)
          .put(RepositoryFormat.BLOBCFG_BLOB_ID, r.format.encryptBlobCfg(retention));
      // kopia.repository was written before the lock: lock it now too.
      storage.extendRetention(RepositoryFormat.FORMAT_BLOB_ID, retention);
      LOG.info(
          "event=object_lock_set storage=\"{}\" mode={} periodHours={}",
          storage,
          retention.mode(),
          retention.period().toHours());
    }
  }

  private static Repository connect(
      BlobStorage storage, RepositoryFormat rf, Path cacheDir, java.time.Clock clock)
      throws IOException {
    ContentFormat cf = rf.format();
    HashFunction hash = Hashing.create(cf.hash(), cf.secretOrEmpty());
    ContentEncryptor enc = Encryption.create(cf.encryption(), cf.masterKey());
    boolean epoch = cf.epochParameters() != null && cf.epochParameters().enabled();
    Path cache = cacheDir == null ? null : cacheFolder(cacheDir, rf.blob().uniqueId());
    KopiaContentStore store =
        KopiaContentStore.open(
            storage,
            hash,
            enc,
            RepositoryOptions.settings(
                cf.version(), cf.effectiveIndexVersion(), cf.effectiveMaxPackSize(), epoch, cache),
            clock);
    return new Repository(storage, rf, store);
  }

  /**
   * The repository's own folder in a cache folder: one per repository (by its unique id), so a
   * shared cache folder never mixes two repositories' indexes.
   */
  static Path cacheFolder(Path cacheDir, byte[] uniqueId) {
    return cacheDir.resolve(HexFormat.of().formatHex(uniqueId).substring(0, 16));
  }

  public KopiaContentStore contents() {
    return contents;
  }

  /** Re-reads indexes written by other clients since open. */
  public void refresh() throws IOException {
    contents.refresh();
  }

  public String splitter() {
    return format.format().effectiveSplitter();
  }

  public String hashAlgorithm() {
    return format.format().hash();
  }

  public String encryptionAlgorithm() {
    return format.format().encryption();
  }

  public int formatVersion() {
    return format.format().version();
  }

  public BlobStorage storage() {
    return storage;
  }

  /**
   * Kopia's {@code DeriveKey(purpose, length)}: HKDF-SHA256 of the master key (format version 2;
   * version 1 repositories used the format key, a historic Kopia quirk kept for compatibility) with
   * the repository's unique id as salt and the purpose as info (research/kopia-format.md §3).
   */
  public byte[] deriveKey(String purpose, int length) {
    byte[] ikm = format.format().version() >= 2 ? format.format().masterKey() : format.formatKey();
    return ca.eazybackup.e3.agent.backup.crypto.KeyDerivation.derive(
        ikm, format.blob().uniqueId(), purpose, length);
  }

  /** Hex of kopia.repository's uniqueID: stable for the repository's life. */
  public String uniqueIdHex() {
    return HexFormat.of().formatHex(format.blob().uniqueId());
  }

  @Override
  public void close() throws IOException {
    contents.close();
  }
}
