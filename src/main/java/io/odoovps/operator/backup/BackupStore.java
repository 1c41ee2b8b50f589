package io.odoovps.operator.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoovps.operator.contract.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Off-site backups of VPSs in an S3 bucket:
 * `backups/[<namespace>/]<vps>/<backupId>/{data,data.sha256,manifest.json}`. Uploads stream with
 * multipart upload through one part-sized buffer (the whole backup is never in memory), compute
 * SHA-256 on the way, and write the manifest last. Retention pruning and restores read manifests; a
 * restore verifies the checksum, and {@link #decode} verifies the whole backup, decoded to its end.
 */
public class BackupStore {

  /** S3's minimum part size is 5 MiB; 8 MiB keeps memory small and parts few. */
  public static final int PART_SIZE = 8 * 1024 * 1024;

  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Client s3;
  private final String bucket;
  private final Clock clock;

  private final String scope;

  public BackupStore(S3Client s3, String bucket, Clock clock) {
    this(s3, bucket, clock, null);
  }

  /**
   * A store whose keys live under `backups/<namespace>/`, so that VPSs of the same name in two
   * namespaces sharing a bucket never see, prune or purge each other's backups.
   */
  public BackupStore(S3Client s3, String bucket, Clock clock, String namespace) {
    this.s3 = s3;
    this.bucket = bucket;
    this.clock = clock;
    this.scope = namespace == null ? "backups/" : "backups/" + namespace + "/";
  }

  String prefix(String vps) {
    return scope + vps + "/";
  }

  /** Streams {@code data} to a new backup of {@code vps}; returns its manifest. */
  public BackupManifest upload(String vps, InputStream data) throws IOException {
    return upload(vps, nextBackupId(), data, "raw", null);
  }

  /** The id of a backup started now: its UTC time, `yyyyMMdd'T'HHmmss'Z'`. */
  public String nextBackupId() {
    return ID.format(clock.instant());
  }

  /**
   * Streams {@code data} (encoded as {@code format}) to the backup {@code backupId} of {@code vps};
   * returns its manifest.
   */
  public BackupManifest upload(
      String vps, String backupId, InputStream data, String format, String capturedFrom)
      throws IOException {
    var now = Instant.from(ID.parse(backupId));
    var base = prefix(vps) + backupId + "/";
    var dataKey = base + "data";
    var digest = sha256();
    var uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(dataKey)).uploadId();
    var parts = new ArrayList<CompletedPart>();
    long size = 0;
    try {
      var buffer = new byte[PART_SIZE];
      int partNumber = 1;
      while (true) {
        int filled = data.readNBytes(buffer, 0, buffer.length);
        if (filled == 0 && partNumber > 1) {
          break;
        }
        digest.update(buffer, 0, filled);
        size += filled;
        final int number = partNumber;
        var etag =
            s3.uploadPart(
                    b ->
                        b.bucket(bucket)
                            .key(dataKey)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) filled),
                    RequestBody.fromBytes(
                        filled == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, filled)))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        partNumber++;
        if (filled < buffer.length) {
          break;
        }
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(dataKey)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (RuntimeException | IOException e) {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(dataKey).uploadId(uploadId));
      throw e;
    }
    var sha = HexFormat.of().formatHex(digest.digest());
    s3.putObject(
        b -> b.bucket(bucket).key(dataKey + ".sha256"), RequestBody.fromString(sha + "  data\n"));
    var manifest =
        new BackupManifest(
            vps, backupId, Timestamps.format(now), size, sha, dataKey, format, capturedFrom);
    s3.putObject(
        b -> b.bucket(bucket).key(base + "manifest.json").contentType("application/json"),
        RequestBody.fromString(JSON.writeValueAsString(manifest)));
    return manifest;
  }

  /** The complete backups of {@code vps}, oldest first. */
  public List<BackupManifest> list(String vps) {
    var manifests = new ArrayList<BackupManifest>();
    for (var object : objects(vps)) {
      if (object.key().endsWith("/manifest.json")) {
        var bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
        try {
          manifests.add(JSON.readValue(bytes, BackupManifest.class));
        } catch (IOException e) {
          throw new UncheckedIOException("unreadable manifest " + object.key(), e);
        }
      }
    }
    manifests.sort(Comparator.comparing(BackupManifest::backupId));
    return manifests;
  }

  /**
   * Deletes every backup of {@code vps} (complete or partial) taken before now minus the retention;
   * returns the ids it deleted. The manifest goes first, so a crash mid-way leaves a partial
   * backup, never a manifest without data.
   */
  public List<String> prune(String vps, Duration retention) {
    var cutoff = clock.instant().minus(retention);
    return deleteTaken(vps, taken -> taken.isBefore(cutoff));
  }

  /**
   * Deletes the backups of {@code vps} taken at or before {@code until} (complete or partial),
   * manifests first; objects whose backup id is not a time are left alone. Returns the ids deleted.
   */
  public List<String> purge(String vps, Instant until) {
    return deleteTaken(vps, taken -> !taken.isAfter(until));
  }

  /** Deletes the backups whose time {@code doomed} accepts, each manifest first; returns ids. */
  private List<String> deleteTaken(String vps, java.util.function.Predicate<Instant> doomed) {
    var byBackup = new java.util.TreeMap<String, List<String>>();
    for (var object : objects(vps)) {
      backupIdOf(vps, object.key())
          .ifPresent(id -> byBackup.computeIfAbsent(id, k -> new ArrayList<>()).add(object.key()));
    }
    var deleted = new ArrayList<String>();
    byBackup.forEach(
        (backupId, keys) -> {
          Instant taken;
          try {
            taken = Instant.from(ID.parse(backupId));
          } catch (RuntimeException e) {
            return; // not ours
          }
          if (doomed.test(taken)) {
            keys.sort(Comparator.comparing((String k) -> !k.endsWith("manifest.json")));
            keys.forEach(key -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
            deleted.add(backupId);
          }
        });
    return deleted;
  }

  /**
   * Deletes every object of {@code vps} (the end of the contract, article 12): manifests first, so
   * an interrupted purge leaves partial backups that the next purge or pruning removes. Returns the
   * backup ids it deleted.
   */
  public List<String> purge(String vps) {
    var all = objects(vps);
    var ids = new TreeSet<String>();
    all.forEach(o -> backupIdOf(vps, o.key()).ifPresent(ids::add));
    all.stream()
        .sorted(Comparator.comparing((S3Object o) -> !o.key().endsWith("manifest.json")))
        .forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
    return List.copyOf(ids);
  }

  /** Streams a backup's data to {@code out} and verifies its SHA-256; returns the byte count. */
  public long restore(String vps, String backupId, OutputStream out) throws IOException {
    return restore(manifest(vps, backupId), out);
  }

  /** The manifest of a complete backup. */
  public BackupManifest manifest(String vps, String backupId) {
    return list(vps).stream()
        .filter(m -> m.backupId().equals(backupId))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no complete backup " + backupId + " of " + vps));
  }

  /** Streams a backup's data to {@code out} and verifies its SHA-256; returns the byte count. */
  public long restore(BackupManifest manifest, OutputStream out) throws IOException {
    var vps = manifest.vps();
    var backupId = manifest.backupId();
    var digest = sha256();
    long copied;
    try (var in = s3.getObject(b -> b.bucket(bucket).key(manifest.dataKey()));
        var counting = new DigestOutputStream(nonClosing(out), digest)) {
      copied = in.transferTo(counting);
    }
    var actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(manifest.sha256()) || copied != manifest.sizeBytes()) {
      throw new IOException(
          "backup "
              + backupId
              + " of "
              + vps
              + " is corrupt: SHA-256 "
              + actual
              + " != "
              + manifest.sha256());
    }
    return copied;
  }

  /**
   * Streams a backup and decodes it to its end into {@code raw}, verifying everything before a byte
   * of it may reach a disk: the SHA-256 and length of the stored bytes against the manifest, and
   * for a gzip backup the whole stream (each block, the trailer's CRC-32 and length). A backup
   * truncated or damaged when it was taken has a matching checksum (it is the checksum of what was
   * stored); only decoding it to the end finds it. Returns the decoded length.
   *
   * @throws IOException naming the backup and what is wrong with it
   */
  public long decode(BackupManifest manifest, OutputStream raw) throws IOException {
    var digest = sha256();
    long decoded = 0;
    long stored;
    String damage = null;
    try (var in = s3.getObject(b -> b.bucket(bucket).key(manifest.dataKey()));
        var counted = new CountingInputStream(new DigestInputStream(in, digest))) {
      InputStream decoder = counted;
      if ("gzip".equals(manifest.format())) {
        try {
          decoder = new GZIPInputStream(counted, 1 << 16);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
          damage = e.getMessage(); // not even a gzip header
          decoder = null;
        }
      }
      var buffer = new byte[1 << 16];
      while (decoder != null) {
        int n;
        try {
          n = decoder.read(buffer);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
          damage = e.getMessage();
          break;
        }
        if (n < 0) {
          break;
        }
        raw.write(buffer, 0, n);
        decoded += n;
      }
      // the rest, so that the checksum covers every stored byte
      counted.transferTo(OutputStream.nullOutputStream());
      stored = counted.count();
    }
    var actual = HexFormat.of().formatHex(digest.digest());
    var name = "backup " + manifest.backupId() + " of " + manifest.vps();
    if (!actual.equals(manifest.sha256()) || stored != manifest.sizeBytes()) {
      throw new IOException(
          name
              + " is corrupt: SHA-256 "
              + actual
              + " != "
              + manifest.sha256()
              + " ("
              + stored
              + " bytes stored, "
              + manifest.sizeBytes()
              + " in the manifest)");
    }
    if (damage != null) {
      throw new IOException(
          name
              + " is damaged: its gzip stream does not decode to the end ("
              + damage
              + ") although its SHA-256 matches the manifest: it was truncated or damaged when"
              + " it was taken; restore another backup");
    }
    return decoded;
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    /** Reads what it skips, so that the digest beneath sees every byte. */
    @Override
    public long skip(long n) throws IOException {
      var scratch = new byte[(int) Math.min(n, 8192)];
      long skipped = 0;
      while (skipped < n) {
        int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    long count() {
      return count;
    }
  }

  private List<S3Object> objects(String vps) {
    var all = new ArrayList<S3Object>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix(vps)))
        .contents()
        .forEach(all::add);
    return all;
  }

  /** Backup ids of {@code vps} that have any object, complete or not. */
  public Set<String> allBackupIds(String vps) {
    var ids = new TreeSet<String>();
    objects(vps).forEach(o -> backupIdOf(vps, o.key()).ifPresent(ids::add));
    return ids;
  }

  /** The backup id in a key `<prefix><vps>/<backupId>/...`, if it has one. */
  private java.util.Optional<String> backupIdOf(String vps, String key) {
    var rest = key.substring(prefix(vps).length());
    var slash = rest.indexOf('/');
    return slash > 0 ? java.util.Optional.of(rest.substring(0, slash)) : java.util.Optional.empty();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }
}
