package io.odoovps.operator.api.v1alpha1.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a restore stands. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OdooVpsRestoreStatus(
    @JsonPropertyDescription(
            "Pending, Rejected (with the reason in message), Stopping (the VM is being stopped),"
                + " Restoring (the Job streams the backup back), Succeeded, Failed.")
        Phase phase,
    @JsonPropertyDescription("Why the restore is in this phase.") String message,
    @JsonPropertyDescription(
            "The customer the restore counts against: the OdooVps's spec.customer.id when set,"
                + " else its spec.customer.email in lower case.")
        String customer,
    @JsonPropertyDescription("The BackupPolicy whose bucket holds the backup.") String policy,
    @JsonPropertyDescription("When the restore was accepted; it then counts in its month.")
        String acceptedAt,
    @JsonPropertyDescription("Restores the customer has left this calendar month, this included.")
        Integer restoresLeftThisMonth,
    @JsonPropertyDescription("The Job that streams the backup back.") String job,
    @JsonPropertyDescription("When the Job started.") String startedAt,
    @JsonPropertyDescription("When the restore ended.") String completedAt,
    @JsonPropertyDescription(
            "Stored (compressed) size in bytes of the backup restored, as its manifest and the"
                + " BackupPolicy's status give it; the disk written is larger.")
        Long sizeBytes,
    @JsonPropertyDescription("The verified SHA-256 of the backup.") String sha256) {

  /** This status in {@code phase} with {@code message}, everything else kept. */
  public OdooVpsRestoreStatus moved(Phase phase, String message) {
    return new OdooVpsRestoreStatus(
        phase,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        startedAt,
        completedAt,
        sizeBytes,
        sha256);
  }

  /** This status once {@code job} started at {@code at}. */
  public OdooVpsRestoreStatus started(String message, String job, String at) {
    return new OdooVpsRestoreStatus(
        Phase.Restoring,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        at,
        null,
        null,
        null);
  }

  /** This status once the restore ended at {@code at}, with what it restored if it did. */
  public OdooVpsRestoreStatus ended(
      Phase phase, String message, String at, Long sizeBytes, String sha256) {
    return new OdooVpsRestoreStatus(
        phase,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        startedAt,
        at,
        sizeBytes,
        sha256);
  }

  /** Phases of a restore. */
  public enum Phase {
    Pending,
    Rejected,
    Stopping,
    Restoring,
    Succeeded,
    Failed;

    /** Whether the VM must be held stopped in this phase. */
    public boolean holdsVm() {
      return this == Stopping || this == Restoring;
    }

    public boolean isFinal() {
      return this == Rejected || this == Succeeded || this == Failed;
    }
  }
}
