package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator last did inside the guest, through its guest-command Jobs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GuestStatus(
    @JsonPropertyDescription(
            "The Odoo series the guest runs: the spec's at provisioning, then each upgrade's once"
                + " its guest command succeeded.")
        String odooVersion,
    @JsonPropertyDescription(
            "When the guest last installed its security updates (before a maintenance reboot).")
        String updatedAt,
    @JsonPropertyDescription("The Job of the last guest command that finished.") String lastCommand,
    @JsonPropertyDescription(
            "Why the last guest command failed (the guest keeps what it ran; delete the Job to"
                + " retry).")
        String problem,
    @JsonPropertyDescription(
            "The guest's disk after a bigger plan's growth (the operator makes the disk).")
        GuestDiskStatus disk) {

  /** The same status with {@code disk}. */
  public GuestStatus withDisk(GuestDiskStatus disk) {
    return new GuestStatus(odooVersion, updatedAt, lastCommand, problem, disk);
  }
}
