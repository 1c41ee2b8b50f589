package io.odoovps.operator.disk;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The `grow-disk-image` mode of the operator's image: what the growth Job of a VPS's disk claim
 * runs when its plan's disk grows, on a cluster without CDI.
 *
 * <pre>
 * grow-disk-image --target FILE --size BYTES
 * </pre>
 *
 * Grows the raw disk image (sparse) to --size, capped at what the volume holds for it (as {@code
 * fill-disk} sizes it): an image already that big is left as it is, an image is never shrunk, and a
 * volume that cannot hold more than the image already has fails the command (the claim must be
 * expanded first). Growing a raw file that a running QEMU holds open is what KubeVirt's own disk
 * expansion does: the guest sees the new size when its instance restarts, and its cloud-init grows
 * the partition and the file system at that boot. Exit code 0 on success, 1 on failure (the reason
 * on stderr), 2 on bad usage.
 */
public final class GrowDiskCommand {

  public static final String COMMAND = "grow-disk-image";

  private GrowDiskCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    String target = null;
    long size = -1;
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        stderr.println("unexpected argument " + args[i]);
        return 2;
      }
      switch (args[i]) {
        case "--target" -> target = args[i + 1];
        case "--size" -> {
          try {
            size = Long.parseLong(args[i + 1]);
          } catch (NumberFormatException e) {
            stderr.println("--size must be a number of bytes");
            return 2;
          }
        }
        default -> {
          stderr.println("unexpected argument " + args[i]);
          return 2;
        }
      }
    }
    if (target == null || size <= 0) {
      stderr.println("usage: grow-disk-image --target FILE --size BYTES");
      return 2;
    }
    var file = Path.of(target);
    if (!Files.isRegularFile(file)) {
      stderr.println("grow-disk-image failed: no disk image at " + target);
      return 1;
    }
    try {
      long before = Files.size(file);
      long usable = FillDiskCommand.usable(file.toAbsolutePath().getParent());
      if (before >= Math.min(size, usable)) {
        if (before < size) {
          stderr.println(
              "grow-disk-image failed: the volume holds "
                  + usable
                  + " bytes for the disk image, which has "
                  + before
                  + "; the plan's disk needs "
                  + size
                  + ": expand the claim first");
          return 1;
        }
        stdout.println("{\"grown\":false,\"bytes\":" + before + "}");
        return 0;
      }
      long after = FillDiskCommand.grow(file, size, usable);
      stdout.println("{\"grown\":true,\"from\":" + before + ",\"bytes\":" + after + "}");
      return 0;
    } catch (IOException e) {
      stderr.println("grow-disk-image failed: " + e.getMessage());
      return 1;
    }
  }
}
