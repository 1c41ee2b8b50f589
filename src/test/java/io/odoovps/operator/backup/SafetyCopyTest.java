package io.odoovps.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safety copy on its volume, and the disk images the restore writes, on real files. */
class SafetyCopyTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  private static byte[] image(int seed, int mib) {
    var bytes = new byte[mib * DiskImage.BLOCK];
    new Random(seed).nextBytes(bytes);
    Arrays.fill(bytes, DiskImage.BLOCK, 2 * DiskImage.BLOCK, (byte) 0);
    return bytes;
  }

  @Test
  void theCopyIsMadeOnceAndPutBackByteForByte() throws IOException {
    var disk = dir.resolve("disk.img");
    var copy = dir.resolve("copy/disk.img");
    Files.createDirectories(copy.getParent());
    var previous = image(1, 3);
    Files.write(disk, previous);

    var marker = SafetyCopy.keep(disk, copy, out);
    assertThat(marker.present()).isTrue();
    assertThat(marker.sizeBytes()).isEqualTo(previous.length);
    assertThat(Files.readAllBytes(copy)).isEqualTo(previous);
    assertThat(SafetyCopy.marker(copy)).exists();

    // half-written, then a retried pod: the copy it finds complete is kept, not taken again
    Files.write(disk, Arrays.copyOf(image(2, 3), DiskImage.BLOCK));
    assertThat(SafetyCopy.keep(disk, copy, out)).isEqualTo(marker);
    assertThat(Files.readAllBytes(copy)).isEqualTo(previous);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("complete from an earlier attempt");

    assertThat(SafetyCopy.putBack(copy, disk, out)).isEqualTo(BackupReport.DISK_ROLLED_BACK);
    assertThat(Files.readAllBytes(disk)).isEqualTo(previous);
    // idempotent: a rollback killed and run again ends the same
    assertThat(SafetyCopy.putBack(copy, disk, out)).isEqualTo(BackupReport.DISK_ROLLED_BACK);
    assertThat(Files.readAllBytes(disk)).isEqualTo(previous);
  }

  @Test
  void withoutACompleteCopyTheDiskWasNeverWrittenAndIsLeftAsItIs() throws IOException {
    var disk = dir.resolve("disk.img");
    var copy = dir.resolve("disk-copy.img");
    var current = image(3, 2);
    Files.write(disk, current);
    // a copy cut short by a kill: no marker
    Files.write(copy, Arrays.copyOf(current, 100));

    assertThat(SafetyCopy.putBack(copy, disk, out)).isEqualTo(BackupReport.DISK_UNTOUCHED);
    assertThat(Files.readAllBytes(disk)).isEqualTo(current);
  }

  @Test
  void aDiskWithoutAnImageIsPutBackWithoutOne() throws IOException {
    var disk = dir.resolve("disk.img");
    var copy = dir.resolve("disk-copy.img");
    assertThat(SafetyCopy.keep(disk, copy, out).present()).isFalse();
    Files.write(disk, image(4, 2)); // what the restore began to write

    assertThat(SafetyCopy.putBack(copy, disk, out)).isEqualTo(BackupReport.DISK_ROLLED_BACK);
    assertThat(disk).doesNotExist();
  }

  @Test
  void aCopyThatNoLongerMatchesItsChecksumFailsTheRollback() throws IOException {
    var disk = dir.resolve("disk.img");
    var copy = dir.resolve("disk-copy.img");
    Files.write(disk, image(5, 2));
    SafetyCopy.keep(disk, copy, out);
    var altered = Files.readAllBytes(copy);
    altered[7] ^= 1;
    Files.write(copy, altered);

    assertThatThrownBy(() -> SafetyCopy.putBack(copy, disk, out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the safety copy does not match what was kept");
  }

  @Test
  void aDiskImageIsWrittenSparseWithItsFullLengthAndItsProgressLogged() throws IOException {
    var from = dir.resolve("from.img");
    var to = dir.resolve("to.img");
    var bytes = image(6, 4);
    Arrays.fill(bytes, 3 * DiskImage.BLOCK, bytes.length, (byte) 0); // ends in zeros
    Files.write(from, bytes);
    Files.write(to, image(7, 6)); // longer before: replaced, not overlaid

    var copied = DiskImage.copy(from, to, "writing the disk", out);
    assertThat(copied.bytes()).isEqualTo(bytes.length);
    assertThat(Files.readAllBytes(to)).isEqualTo(bytes);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("writing the disk: 20% (", "writing the disk: 100% (");
  }
}
