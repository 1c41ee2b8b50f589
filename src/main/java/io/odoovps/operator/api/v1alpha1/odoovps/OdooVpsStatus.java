package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed of a VPS. Written only by the operator, only when it changed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OdooVpsStatus {

  @JsonPropertyDescription("The generation of the spec that this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Lifecycle phase: Pending, Provisioning, Running, Suspended, Isolated, Restoring,"
          + " Terminating, Terminated, Invalid.")
  private VpsPhase phase;

  @JsonPropertyDescription("The fixed IPv4 address allocated to the VPS.")
  private String ipv4;

  @JsonPropertyDescription("Name of the KubeVirt VirtualMachine that runs the VPS.")
  private String virtualMachine;

  @JsonPropertyDescription("When the customer was emailed the Odoo access codes.")
  private String accessCodesSentAt;

  @JsonPropertyDescription("When the identity check suspends the VPS unless verified.")
  private String identityDeadline;

  @JsonPropertyDescription(
      "The monthly billing cycle: its start and end, and how many times the contract renewed.")
  private BillingStatus billing;

  @JsonPropertyDescription(
      "The latest paid plan change: the sizing applied, its 48-hour deadline, and whether it was met.")
  private PlanChangeStatus planChange;

  @JsonPropertyDescription(
      "Whether the VPS is suspended now, why, since when, and how many times it was.")
  private SuspensionStatus suspension;

  @JsonPropertyDescription(
      "The end of contract: when the deletion of the VM, disk, IPv4 and Secrets started and completed.")
  private TerminationStatus termination;

  @JsonPropertyDescription(
      "The support minutes of the billing cycle: included, used, and the open tickets.")
  private SupportStatus support;

  @JsonPropertyDescription(
      "The month's availability against the 99.5 % commitment: downtime, the budget left, a current outage.")
  private AvailabilityStatus availability;

  @JsonPropertyDescription(
      "The latest maintenance reboot: requested, the customer's notice, when it reboots and when it did.")
  private MaintenanceStatus maintenance;

  @JsonPropertyDescription(
      "What the operator last ran in the guest (Odoo version, security updates, disk growth) and how it ended.")
  private GuestStatus guest;

  @JsonPropertyDescription(
      "Outbound traffic of the billing cycle against the quota, the bandwidth granted and what the node applies.")
  private TrafficStatus traffic;

  @JsonPropertyDescription(
      "The end of a fixed term: suspended since, and when the data is deleted unless renewed.")
  private ContractEndStatus contractEnd;

  @JsonPropertyDescription(
      "Contract notices to the customer: each delivered at least once (retried with backoff),"
          + " never twice for the same event; the delivered ones of the last 30 days.")
  private List<NoticeStatus> notices;

  @JsonPropertyDescription("Which BackupPolicy backs the VPS up, and its last success.")
  private BackupCoverageStatus backup;

  public ContractEndStatus getContractEnd() {
    return contractEnd;
  }

  public void setContractEnd(ContractEndStatus contractEnd) {
    this.contractEnd = contractEnd;
  }

  public List<NoticeStatus> getNotices() {
    return notices;
  }

  public void setNotices(List<NoticeStatus> notices) {
    this.notices = notices;
  }

  public BackupCoverageStatus getBackup() {
    return backup;
  }

  public void setBackup(BackupCoverageStatus backup) {
    this.backup = backup;
  }

  public TrafficStatus getTraffic() {
    return traffic;
  }

  public void setTraffic(TrafficStatus traffic) {
    this.traffic = traffic;
  }

  public GuestStatus getGuest() {
    return guest;
  }

  public void setGuest(GuestStatus guest) {
    this.guest = guest;
  }

  public MaintenanceStatus getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(MaintenanceStatus maintenance) {
    this.maintenance = maintenance;
  }

  public AvailabilityStatus getAvailability() {
    return availability;
  }

  public void setAvailability(AvailabilityStatus availability) {
    this.availability = availability;
  }

  public SupportStatus getSupport() {
    return support;
  }

  public void setSupport(SupportStatus support) {
    this.support = support;
  }

  @JsonPropertyDescription("Conditions: Ready and one per pending obligation.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public VpsPhase getPhase() {
    return phase;
  }

  public void setPhase(VpsPhase phase) {
    this.phase = phase;
  }

  public String getIpv4() {
    return ipv4;
  }

  public void setIpv4(String ipv4) {
    this.ipv4 = ipv4;
  }

  public String getVirtualMachine() {
    return virtualMachine;
  }

  public void setVirtualMachine(String virtualMachine) {
    this.virtualMachine = virtualMachine;
  }

  public String getAccessCodesSentAt() {
    return accessCodesSentAt;
  }

  public void setAccessCodesSentAt(String accessCodesSentAt) {
    this.accessCodesSentAt = accessCodesSentAt;
  }

  public String getIdentityDeadline() {
    return identityDeadline;
  }

  public void setIdentityDeadline(String identityDeadline) {
    this.identityDeadline = identityDeadline;
  }

  public BillingStatus getBilling() {
    return billing;
  }

  public void setBilling(BillingStatus billing) {
    this.billing = billing;
  }

  public PlanChangeStatus getPlanChange() {
    return planChange;
  }

  public void setPlanChange(PlanChangeStatus planChange) {
    this.planChange = planChange;
  }

  public SuspensionStatus getSuspension() {
    return suspension;
  }

  public void setSuspension(SuspensionStatus suspension) {
    this.suspension = suspension;
  }

  public TerminationStatus getTermination() {
    return termination;
  }

  public void setTermination(TerminationStatus termination) {
    this.termination = termination;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OdooVpsStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && phase == s.phase
        && Objects.equals(ipv4, s.ipv4)
        && Objects.equals(virtualMachine, s.virtualMachine)
        && Objects.equals(accessCodesSentAt, s.accessCodesSentAt)
        && Objects.equals(identityDeadline, s.identityDeadline)
        && Objects.equals(billing, s.billing)
        && Objects.equals(planChange, s.planChange)
        && Objects.equals(suspension, s.suspension)
        && Objects.equals(termination, s.termination)
        && Objects.equals(support, s.support)
        && Objects.equals(availability, s.availability)
        && Objects.equals(maintenance, s.maintenance)
        && Objects.equals(guest, s.guest)
        && Objects.equals(traffic, s.traffic)
        && Objects.equals(contractEnd, s.contractEnd)
        && Objects.equals(notices, s.notices)
        && Objects.equals(backup, s.backup)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, ipv4, virtualMachine, conditions, suspension);
  }
}
