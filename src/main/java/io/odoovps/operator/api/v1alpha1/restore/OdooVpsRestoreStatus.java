package io.odoovps.operator.api.v1alpha1.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Where a restore stands. Written only by the operator. Each step is recorded (the Jobs, the safety
 * copy, when the disk was written, put back, the VM ready) so that a restarted operator resumes
 * where the last one stopped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OdooVpsRestoreStatus(
    @JsonPropertyDescription(
            "Pending, Rejected (with the reason in message), Stopping (the VM is being stopped),"
                + " Restoring (the Job verifies the backup, keeps the previous disk in the safety"
                + " copy, then writes the disk), RollingBack (the restore failed: the previous disk"
                + " is put back from the safety copy), Starting (the disk is restored; the VM"
                + " starts, the safety copy is kept until it is ready), Succeeded, Failed (the disk"
                + " is as it was: see disk).")
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
    @JsonPropertyDescription("The Job that verifies the backup and writes it onto the disk.")
        String job,
    @JsonPropertyDescription("When the Job started.") String startedAt,
    @JsonPropertyDescription(
            "The PersistentVolumeClaim that keeps the disk as it was before the restore.")
        SafetyCopy safetyCopy,
    @JsonPropertyDescription("When the Job reported the backup written onto the disk.")
        String diskWrittenAt,
    @JsonPropertyDescription("Putting the previous disk back, when the restore failed.")
        Rollback rollback,
    @JsonPropertyDescription("When the VM was first ready on the restored disk.") String vmReadyAt,
    @JsonPropertyDescription(
            "What the restore did to the disk: Restored (the backup's bytes), RolledBack (the"
                + " previous content put back from the safety copy), Untouched (never written).")
        DiskOutcome disk,
    @JsonPropertyDescription("When the restore ended.") String completedAt,
    @JsonPropertyDescription(
            "Stored (compressed) size in bytes of the backup restored, as its manifest and the"
                + " BackupPolicy's status give it; the disk written is larger.")
        Long sizeBytes,
    @JsonPropertyDescription("The verified SHA-256 of the backup.") String sha256,
    @JsonPropertyDescription("The generation the status answers.") Long observedGeneration,
    @JsonPropertyDescription(
            "Ready (the restore succeeded), and kstatus' Reconciling (under way) or Stalled"
                + " (rejected or failed: a new restore is needed), each derived from phase.")
        List<Condition> conditions) {

  /** A status with only a phase and a message (a rejection, a wait before acceptance). */
  public static OdooVpsRestoreStatus of(Phase phase, String message, String completedAt) {
    return new OdooVpsRestoreStatus(
        phase,
        message,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        completedAt,
        null,
        null,
        null,
        null);
  }

  /** An accepted restore that counts against {@code customer}. */
  public static OdooVpsRestoreStatus accepted(
      Phase phase,
      String message,
      String customer,
      String policy,
      String acceptedAt,
      Integer left,
      String completedAt) {
    return new OdooVpsRestoreStatus(
        phase,
        message,
        customer,
        policy,
        acceptedAt,
        left,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        completedAt,
        null,
        null,
        null,
        null);
  }

  /** This status in {@code phase} with {@code message}, everything else kept. */
  public OdooVpsRestoreStatus moved(Phase phase, String message) {
    return moved(phase, message, rollback);
  }

  private OdooVpsRestoreStatus moved(Phase phase, String message, Rollback rollback) {
    return with(phase, message, rollback, observedGeneration, conditions);
  }

  /** This status with the phase, message, rollback, generation and conditions given. */
  private OdooVpsRestoreStatus with(
      Phase phase, String message, Rollback rollback, Long generation, List<Condition> conditions) {
    return new OdooVpsRestoreStatus(
        phase,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        startedAt,
        safetyCopy,
        diskWrittenAt,
        rollback,
        vmReadyAt,
        disk,
        completedAt,
        sizeBytes,
        sha256,
        generation,
        conditions);
  }

  /** This status once {@code job} started at {@code at}, the previous disk kept in {@code copy}. */
  public OdooVpsRestoreStatus started(String message, String job, String at, SafetyCopy copy) {
    return new OdooVpsRestoreStatus(
        Phase.Restoring,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        at,
        copy,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** This status once the Job wrote the backup onto the disk at {@code at}: the VM may start. */
  public OdooVpsRestoreStatus written(String message, String at, Long sizeBytes, String sha256) {
    return new OdooVpsRestoreStatus(
        Phase.Starting,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        startedAt,
        safetyCopy,
        at,
        null,
        null,
        DiskOutcome.Restored,
        null,
        sizeBytes,
        sha256,
        null,
        null);
  }

  /** This status while the previous disk is put back, for {@code rollback}'s reason. */
  public OdooVpsRestoreStatus rollingBack(String message, Rollback rollback) {
    return moved(Phase.RollingBack, message, rollback);
  }

  /** This status once the restore ended at {@code at}; the safety copy as it was left. */
  public OdooVpsRestoreStatus ended(
      Phase phase, String message, String at, DiskOutcome disk, SafetyCopy copy, String vmReadyAt) {
    var succeeded = phase == Phase.Succeeded;
    return new OdooVpsRestoreStatus(
        phase,
        message,
        customer,
        policy,
        acceptedAt,
        restoresLeftThisMonth,
        job,
        startedAt,
        copy,
        diskWrittenAt,
        rollback,
        vmReadyAt,
        disk,
        at,
        succeeded ? sizeBytes : null,
        succeeded ? sha256 : null,
        null,
        null);
  }

  /** This status with its generation and conditions, everything else kept. */
  public OdooVpsRestoreStatus observed(Long generation, List<Condition> conditions) {
    return with(
        phase, message, rollback, generation, conditions == null ? null : List.copyOf(conditions));
  }

  /** The safety copy's claim name, or null when none was made. */
  public String safetyCopyClaim() {
    return safetyCopy == null ? null : safetyCopy.claim();
  }

  /** The PersistentVolumeClaim that keeps the previous disk, and when it was made and released. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SafetyCopy(
      @JsonPropertyDescription("The PersistentVolumeClaim's name, in the restore's namespace.")
          String claim,
      @JsonPropertyDescription("When the operator created it.") String createdAt,
      @JsonPropertyDescription(
              "When it was released (deleted): after the VM was ready on the restored disk, or"
                  + " once the previous disk was put back.")
          String releasedAt) {

    public SafetyCopy released(String at) {
      return new SafetyCopy(claim, createdAt, at);
    }
  }

  /** The Job that puts the previous disk back, and why. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rollback(
      @JsonPropertyDescription("Why the previous disk is put back (what failed).") String reason,
      @JsonPropertyDescription("The Job that copies the safety copy back onto the disk.")
          String job,
      @JsonPropertyDescription("When that Job was created.") String startedAt) {}

  /** What a restore did to the disk. */
  public enum DiskOutcome {
    Restored,
    RolledBack,
    Untouched
  }

  /** Phases of a restore. */
  public enum Phase {
    Pending,
    Rejected,
    Stopping,
    Restoring,
    RollingBack,
    Starting,
    Succeeded,
    Failed;

    /**
     * Whether the VM must be held stopped in this phase: from the stop until the disk is whole
     * again (restored, or put back).
     */
    public boolean holdsVm() {
      return this == Stopping || this == Restoring || this == RollingBack;
    }

    public boolean isFinal() {
      return this == Rejected || this == Succeeded || this == Failed;
    }
  }
}
