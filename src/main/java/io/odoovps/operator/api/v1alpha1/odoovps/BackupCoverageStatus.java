package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Whether a BackupPolicy backs the VPS up (article 3: every 24 hours), as the policies report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupCoverageStatus(
    @JsonPropertyDescription("The BackupPolicy that backs the VPS up; absent when none does.")
        String policy,
    @JsonPropertyDescription("Its last successful backup of the VPS.") String lastSuccess,
    @JsonPropertyDescription(
            "Since when no BackupPolicy backs the VPS up (or since it was created, before its"
                + " first backup).")
        String notCoveredSince) {}
