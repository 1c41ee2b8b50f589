package io.odoovps.operator.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The previous disk, kept on the safety-copy volume before a restore writes the disk. The copy is
 * made once: its marker ({@code <copy>.complete}: whether there was a disk image, its length and
 * SHA-256) is written last, atomically, after the copy is forced to the device, and the disk is
 * written only once the marker is there. So whatever kills a restore pod, either the marker is
 * missing and the disk was never touched, or the copy is whole; a retried pod keeps the copy it
 * finds complete (the disk may already be half-written), and putting it back is idempotent.
 */
final class SafetyCopy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetyCopy() {}

  /** What the marker records: whether the disk had an image, and the copy's length and SHA-256. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Marker(boolean present, long sizeBytes, String sha256) {}

  static Path marker(Path copy) {
    return copy.resolveSibling(copy.getFileName() + ".complete");
  }

  /** The marker of a complete copy, if the copy is complete. */
  static Optional<Marker> read(Path copy) throws IOException {
    var marker = marker(copy);
    if (!Files.exists(marker)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(Files.readAllBytes(marker), Marker.class));
  }

  /**
   * Copies {@code disk} to {@code copy} unless a complete copy is already there; returns the
   * marker. Nothing on the disk is changed.
   */
  static Marker keep(Path disk, Path copy, PrintStream log) throws IOException {
    var existing = read(copy);
    if (existing.isPresent()) {
      log.println(
          "safety copy: complete from an earlier attempt ("
              + existing.get().sizeBytes()
              + " bytes), kept as it is");
      return existing.get();
    }
    Marker marker;
    if (Files.exists(disk)) {
      var copied = DiskImage.copy(disk, copy, "safety copy", log);
      marker = new Marker(true, copied.bytes(), copied.sha256());
    } else {
      Files.deleteIfExists(copy);
      marker = new Marker(false, 0, null);
    }
    var temporary = marker(copy).resolveSibling(marker(copy).getFileName() + ".tmp");
    try (var out = DiskImage.create(temporary)) {
      out.write(JSON.writeValueAsBytes(marker));
    }
    Files.move(temporary, marker(copy), StandardCopyOption.ATOMIC_MOVE);
    DiskImage.forceDirectory(copy.toAbsolutePath().getParent());
    log.println(
        marker.present()
            ? "safety copy: the previous disk is kept ("
                + marker.sizeBytes()
                + " bytes, SHA-256 "
                + marker.sha256()
                + ")"
            : "safety copy: the disk held no image before the restore");
    return marker;
  }

  /**
   * Puts the previous disk back from a complete copy (and checks the bytes read back against the
   * copy's SHA-256); returns {@link BackupReport#DISK_ROLLED_BACK}, or {@link
   * BackupReport#DISK_UNTOUCHED} when no copy was completed, so the disk was never written.
   */
  static String putBack(Path copy, Path disk, PrintStream log) throws IOException {
    var marker = read(copy);
    if (marker.isEmpty()) {
      log.println("rollback: no complete safety copy, so the restore never wrote the disk");
      return BackupReport.DISK_UNTOUCHED;
    }
    if (!marker.get().present()) {
      Files.deleteIfExists(disk);
      DiskImage.forceDirectory(disk.toAbsolutePath().getParent());
      log.println("rollback: the disk held no image before the restore; none is left");
      return BackupReport.DISK_ROLLED_BACK;
    }
    var copied = DiskImage.copy(copy, disk, "rollback", log);
    if (copied.bytes() != marker.get().sizeBytes()
        || !copied.sha256().equals(marker.get().sha256())) {
      throw new IOException(
          "the safety copy does not match what was kept: SHA-256 "
              + copied.sha256()
              + " != "
              + marker.get().sha256());
    }
    log.println(
        "rollback: the previous disk is back ("
            + copied.bytes()
            + " bytes, SHA-256 "
            + copied.sha256()
            + ")");
    return BackupReport.DISK_ROLLED_BACK;
  }
}
