package io.odoovps.operator.api.v1alpha1.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;
import io.odoovps.operator.api.v1alpha1.NameRules;

/** Which VPS to restore, from which backup. Immutable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OdooVpsRestoreSpec {

  /** The shape of a backup id: its UTC time, {@code 20260301T021700Z}. */
  static final String BACKUP_ID = "^[0-9]{8}T[0-9]{6}Z$";

  @Required
  @Size(max = NameRules.VPS_NAME_MAX)
  @ValidationRule(value = NameRules.VPS_REF_RULE, message = "spec.vps" + NameRules.VPS_REF_MUST)
  @JsonPropertyDescription("The OdooVps to restore, in this namespace. Its disk is overwritten.")
  private String vps;

  @Required
  @Size(max = 16)
  @Pattern(BACKUP_ID)
  @ValidationRule(
      value =
          "!self.matches('"
              + BACKUP_ID
              + "') || [self.substring(0, 4) + '-' + self.substring(4, 6) + '-' + self.substring(6, 8) + 'T'"
              + " + self.substring(9, 11) + ':' + self.substring(11, 13) + ':'"
              + " + self.substring(13, 15) + 'Z'].all(t, "
              + DateTimeRule.REAL_T
              + ")",
      message =
          "spec.backupId must be a backup's UTC time, yyyyMMddTHHmmssZ, on a day the calendar has"
              + " (hours 00-23), such as 20260301T021700Z")
  @JsonPropertyDescription(
      "The backup to restore, as listed in the BackupPolicy's status (for example"
          + " 20260301T021700Z).")
  private String backupId;

  @Size(max = NameRules.LABEL_MAX)
  @ValidationRule(
      value = NameRules.LABEL_REF_RULE,
      message =
          "spec.policy must be the name of a BackupPolicy: a DNS-1123 label (lower-case letters,"
              + " digits and '-', no dot)")
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
