package io.odoovps.operator.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `grow-disk-image` on real files of the test machine's file system. */
class GrowDiskCommandTest {

  private static final long MIB = 1024L * 1024L;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int grow(String... args) {
    var all = new String[args.length + 1];
    all[0] = GrowDiskCommand.COMMAND;
    System.arraycopy(args, 0, all, 1, args.length);
    return GrowDiskCommand.run(
        all,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void growsTheImageSparselyToThePlansSizeKeepingWhatItHolds() throws Exception {
    var image = dir.resolve("disk.img");
    var content = new byte[3 << 20];
    new Random(11).nextBytes(content);
    Files.write(image, content);

    int code = grow("--target", image.toString(), "--size", String.valueOf(64 * MIB));

    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.size(image)).isEqualTo(64 * MIB);
    try (var file = new RandomAccessFile(image.toFile(), "r")) {
      var head = new byte[content.length];
      file.readFully(head);
      assertThat(head).isEqualTo(content);
    }
    assertThat(out.toString().strip())
        .isEqualTo("{\"grown\":true,\"from\":" + content.length + ",\"bytes\":" + 64 * MIB + "}");
    // sparse: the 61 MiB added take no blocks
    var du = new ProcessBuilder("du", "-B1", "--", image.toString()).start();
    var allocated = Long.parseLong(new String(du.getInputStream().readAllBytes()).split("\\s+")[0]);
    assertThat(du.waitFor()).isZero();
    assertThat(allocated).isLessThan(16 * MIB);
  }

  @Test
  void leavesAnImageThatIsAlreadyThatBigAndNeverShrinksIt() throws Exception {
    var image = dir.resolve("disk.img");
    try (var file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(32 * MIB);
    }

    assertThat(grow("--target", image.toString(), "--size", String.valueOf(16 * MIB))).isZero();

    assertThat(Files.size(image)).isEqualTo(32 * MIB);
    assertThat(out.toString().strip()).isEqualTo("{\"grown\":false,\"bytes\":" + 32 * MIB + "}");
  }

  @Test
  void failsWhenTheVolumeHoldsNoMoreThanTheImageHas() throws Exception {
    var image = dir.resolve("disk.img");
    long usable = FillDiskCommand.usable(dir);
    try (var file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(usable); // sparse: as big as the volume lets a disk image be
    }

    int code = grow("--target", image.toString(), "--size", String.valueOf(usable + 1024 * MIB));

    assertThat(code).isEqualTo(1);
    assertThat(Files.size(image)).isEqualTo(usable);
    assertThat(err.toString())
        .contains("the volume holds " + usable + " bytes for the disk image")
        .contains("expand the claim first");
  }

  @Test
  void aMissingImageOrBadArgumentsAreRefused() {
    assertThat(grow("--target", dir.resolve("none.img").toString(), "--size", "1048576"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no disk image at");
    assertThat(grow("--target", "x", "--size", "many")).isEqualTo(2);
    assertThat(grow("--size", "1048576")).isEqualTo(2);
    assertThat(grow("--target")).isEqualTo(2);
  }
}
