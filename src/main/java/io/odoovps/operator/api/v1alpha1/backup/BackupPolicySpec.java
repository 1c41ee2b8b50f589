package io.odoovps.operator.api.v1alpha1.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.odoovps.operator.api.v1alpha1.NameRules;
import java.util.List;

/** What to back up, when, for how long, and where. The operator never writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.locations) || self.locations.all(l, l != self.target.location)",
    message =
        "spec.target.location must be another datacenter than every entry of spec.locations:"
            + " the contract (article 3) keeps backups in another datacenter")
public class BackupPolicySpec {

  @Pattern("^(@daily|@midnight|@hourly|[^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+)$")
  @JsonPropertyDescription(
      "Cron schedule (5 fields, in spec.timeZone). It must run every day: the contract promises a"
          + " backup every 24 hours. Absent: daily, at a time between 01:00 and 04:59 derived from"
          + " each VPS's name, so that backups spread out.")
  private String schedule;

  @Default("Etc/UTC")
  @Size(max = 64)
  @Pattern("^[A-Za-z][A-Za-z_-]*(/[A-Za-z0-9_+-]+)*$")
  @JsonPropertyDescription(
      "Time zone of the schedule, an IANA region name such as Europe/Paris (offsets such as"
          + " +02:00 are refused, as CronJobs refuse them). Default Etc/UTC.")
  private String timeZone = "Etc/UTC";

  @Default("15")
  @Min(15)
  @Max(366)
  @JsonPropertyDescription(
      "Days a backup is kept before it is pruned: at least 15, the contract's rolling window.")
  private Integer retentionDays = 15;

  @Default("VirtualMachineExport")
  @JsonPropertyDescription(
      "How a VPS is captured. `VirtualMachineExport`: a KubeVirt VirtualMachineSnapshot of the"
          + " whole VM, exported as a compressed disk image and streamed to the bucket."
          + " `PersistentVolumeClaim`: the backup pod mounts the VPS's disk claim (<vps>-disk)"
          + " read-only and streams its disk.img; no KubeVirt export is needed, but a running"
          + " VM's disk is only crash-consistent, so use it for stopped VMs or clusters without"
          + " KubeVirt's export server.")
  private Method method = Method.VirtualMachineExport;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Datacenters (spec.location of the VPSs) this policy covers. The API server refuses a"
          + " target in one of them. Absent: every location; a VPS in the target's own datacenter"
          + " is then refused by the operator (condition OffSite=False and an Event).")
  private List<String> locations;

  @JsonPropertyDescription(
      "Which VPSs of the namespace are covered, by their labels. Absent: all of them.")
  private LabelSelector vpsSelector;

  @Required
  @JsonPropertyDescription("The S3-compatible bucket, in another datacenter.")
  private Target target;

  @Default("2")
  @Min(0)
  @Max(5)
  @JsonPropertyDescription("Retries of a failed backup run before it counts as failed (0 to 5).")
  private Integer retries = 2;

  @Default("false")
  @JsonPropertyDescription("Pauses the schedule (the CronJobs are suspended); backups are kept.")
  private Boolean suspend = false;

  /** Capture methods; see {@code io.odoovps.operator.backup.BackupMethod}. */
  public enum Method {
    VirtualMachineExport,
    PersistentVolumeClaim
  }

  /** The off-site bucket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Target {

    @Required
    @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("Endpoint of the S3-compatible service, e.g. https://s3.lyon.example.")
    private String endpoint;

    @Required
    @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    @JsonPropertyDescription("The bucket (it must exist).")
    private String bucket;

    @Default("us-east-1")
    @JsonPropertyDescription("The S3 region to sign requests for. Default us-east-1.")
    private String region = "us-east-1";

    @Required
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription(
        "The datacenter that holds the bucket. It must differ from the covered VPSs' locations.")
    private String location;

    @Required
    @Size(max = NameRules.SUBDOMAIN_MAX)
    @ValidationRule(
        value = NameRules.SUBDOMAIN_REF_RULE,
        message =
            "spec.target.credentialsSecret must be the name of a Secret: a DNS-1123 subdomain"
                + " (DNS-1123 labels of lower-case letters, digits and '-', joined by dots)")
    @JsonPropertyDescription(
        "A Secret of this namespace with keys `access-key-id` and `secret-access-key`. Only the"
            + " backup pods read it; its values never appear in a CR, a log or an Event.")
    private String credentialsSecret;

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public String getBucket() {
      return bucket;
    }

    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getLocation() {
      return location;
    }

    public void setLocation(String location) {
      this.location = location;
    }

    public String getCredentialsSecret() {
      return credentialsSecret;
    }

    public void setCredentialsSecret(String credentialsSecret) {
      this.credentialsSecret = credentialsSecret;
    }
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public Integer getRetentionDays() {
    return retentionDays;
  }

  public void setRetentionDays(Integer retentionDays) {
    this.retentionDays = retentionDays;
  }

  public Method getMethod() {
    return method;
  }

  public void setMethod(Method method) {
    this.method = method;
  }

  public List<String> getLocations() {
    return locations;
  }

  public void setLocations(List<String> locations) {
    this.locations = locations;
  }

  public LabelSelector getVpsSelector() {
    return vpsSelector;
  }

  public void setVpsSelector(LabelSelector vpsSelector) {
    this.vpsSelector = vpsSelector;
  }

  public Target getTarget() {
    return target;
  }

  public void setTarget(Target target) {
    this.target = target;
  }

  public Integer getRetries() {
    return retries;
  }

  public void setRetries(Integer retries) {
    this.retries = retries;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }
}
