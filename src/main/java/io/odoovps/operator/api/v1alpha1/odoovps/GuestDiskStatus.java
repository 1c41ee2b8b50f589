package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The guest's disk after a plan made it bigger, when the operator makes the disk (no CDI): what the
 * guest itself reports, through its guest agent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GuestDiskStatus(
    @JsonPropertyDescription(
            "The size of the guest's root file system, in bytes, as its guest agent last reported"
                + " it after a disk growth.")
        Long rootFileSystemBytes,
    @JsonPropertyDescription("When the guest agent reported it.") String seenAt,
    @JsonPropertyDescription(
            "Why the disk does not grow to the plan's (the volume is too small, the growth Job"
                + " failed: delete it to retry).")
        String problem) {}
