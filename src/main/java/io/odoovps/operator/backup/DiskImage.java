package io.odoovps.operator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A VM's disk image file (`disk.img` on a filesystem-mode volume) as the restore writes it: whole,
 * flushed to the device before it counts as written ({@code fsync}), and sparse (a block of zeros
 * is skipped, not written, as CDI leaves a fresh image). A copy reports its progress every tenth,
 * so that the Job's log shows how far it went.
 */
final class DiskImage {

  /** The block that is written, or skipped when it holds only zeros. */
  static final int BLOCK = 1 << 20;

  private DiskImage() {}

  /** What a copy wrote: its length and the SHA-256 of its bytes. */
  record Copied(long bytes, String sha256) {}

  /**
   * An output stream that replaces {@code file} (created, or truncated to nothing): blocks of zeros
   * are skipped; {@link OutputStream#close} sets the length and forces the content to the device.
   */
  static OutputStream create(Path file) throws IOException {
    return new SparseOutput(file);
  }

  /**
   * Copies {@code from} onto {@code to} (replacing what it held), forced to the device; prints
   * {@code what: N%} on {@code log} after each tenth. Returns the bytes written and their SHA-256.
   */
  static Copied copy(Path from, Path to, String what, PrintStream log) throws IOException {
    var total = Files.size(from);
    var digest = sha256();
    long copied = 0;
    int reported = 0;
    try (InputStream in = Files.newInputStream(from);
        var out = create(to)) {
      var buffer = new byte[BLOCK];
      for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        copied += n;
        int tenth = total == 0 ? 10 : (int) (copied * 10 / total);
        if (tenth > reported) {
          reported = tenth;
          out.flush();
          log.println(what + ": " + tenth * 10 + "% (" + copied + " of " + total + " bytes)");
        }
      }
    }
    return new Copied(copied, HexFormat.of().formatHex(digest.digest()));
  }

  /** Forces a directory's entries (a new or renamed file in it) to the device. */
  static void forceDirectory(Path dir) throws IOException {
    try (var channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some file systems refuse to open a directory; the file itself was forced
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes whole blocks, seeking over those that hold only zeros. */
  private static final class SparseOutput extends OutputStream {
    private final Path file;
    private final RandomAccessFile raf;
    private final byte[] block = new byte[BLOCK];
    private int filled;
    private long length;

    SparseOutput(Path file) throws IOException {
      this.file = file;
      this.raf = new RandomAccessFile(file.toFile(), "rw");
      raf.setLength(0);
    }

    @Override
    public void write(int b) throws IOException {
      block[filled++] = (byte) b;
      if (filled == block.length) {
        drain();
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
      while (count > 0) {
        int n = Math.min(count, block.length - filled);
        System.arraycopy(bytes, offset, block, filled, n);
        filled += n;
        offset += n;
        count -= n;
        if (filled == block.length) {
          drain();
        }
      }
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    private void drain() throws IOException {
      if (filled == 0) {
        return;
      }
      if (!zeros(block, filled)) {
        raf.seek(length);
        raf.write(block, 0, filled);
      }
      length += filled;
      filled = 0;
    }

    @Override
    public void close() throws IOException {
      try {
        drain();
        raf.setLength(length);
        raf.getFD().sync();
      } finally {
        raf.close();
      }
      forceDirectory(file.toAbsolutePath().getParent());
    }

    private static boolean zeros(byte[] bytes, int count) {
      for (int i = 0; i < count; i++) {
        if (bytes[i] != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
