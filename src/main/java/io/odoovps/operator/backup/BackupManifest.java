package io.odoovps.operator.backup;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a complete backup holds. Written last: a backup without its manifest is partial and never
 * counts (it is pruned like the others once past retention). {@code format} says how the data is
 * encoded (`gzip` or `raw`), {@code capturedFrom} what was captured.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record BackupManifest(
    String vps,
    String backupId,
    String createdAt,
    long sizeBytes,
    String sha256,
    String dataKey,
    String format,
    String capturedFrom) {}
