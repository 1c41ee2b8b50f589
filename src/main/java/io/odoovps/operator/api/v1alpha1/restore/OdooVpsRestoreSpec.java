package io.odoovps.operator.api.v1alpha1.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Which VPS to restore, from which backup. Immutable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OdooVpsRestoreSpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("The OdooVps to restore, in this namespace. Its disk is overwritten.")
  private String vps;

  @Required
  @Pattern("^[0-9]{8}T[0-9]{6}Z$")
  @JsonPropertyDescription(
      "The backup to restore, as listed in the BackupPolicy's status (for example"
          + " 20260301T021700Z).")
  private String backupId;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "The BackupPolicy whose bucket holds the backup. Absent: the one that lists the backup.")
  private String policy;

  public OdooVpsRestoreSpec() {}

  public OdooVpsRestoreSpec(String vps, String backupId, String policy) {
    this.vps = vps;
    this.backupId = backupId;
    this.policy = policy;
  }

  public String getVps() {
    return vps;
  }

  public void setVps(String vps) {
    this.vps = vps;
  }

  public String getBackupId() {
    return backupId;
  }

  public void setBackupId(String backupId) {
    this.backupId = backupId;
  }

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }
}
