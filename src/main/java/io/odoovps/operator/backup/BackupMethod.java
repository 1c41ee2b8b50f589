package io.odoovps.operator.backup;

import java.io.IOException;
import java.io.InputStream;

/**
 * How a VPS is captured for a backup. The backup command asks the policy's method for one capture,
 * streams its data to the off-site bucket, then closes it (which releases what the capture held:
 * snapshots, exports, tokens). A second method (an Odoo-consistent dump taken through the VM, say)
 * is another implementation, chosen by `spec.method` of the BackupPolicy.
 */
public interface BackupMethod {

  /** The value of `spec.method` that selects this method. */
  String name();

  /**
   * Captures the VPS {@code vps} of {@code namespace} as one stream. {@code backupId} names what
   * the capture creates, so a retry or a concurrent run never collides.
   */
  Capture capture(String namespace, String vps, String backupId) throws IOException;

  /** One captured VPS: its bytes, read once, and the format they are in. */
  interface Capture extends AutoCloseable {

    /** The bytes to store; read once, never held in memory as a whole. */
    InputStream data() throws IOException;

    /** How the bytes are encoded: `gzip` (a gzip-compressed raw disk image) or `raw`. */
    String format();

    /** What was captured, for the manifest (for example the volume name). */
    String description();

    /** Releases what the capture created; never throws for a resource already gone. */
    @Override
    void close();
  }
}
