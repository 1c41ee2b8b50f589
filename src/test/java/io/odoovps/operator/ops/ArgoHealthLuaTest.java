package io.odoovps.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.backup.policy.BackupPolicyConditions;
import io.odoovps.operator.mitigation.MitigationStateReconciler;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.vps.OdooVpsConditions;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo CD health checks in {@code argocd/} run by glua, the interpreter of gopher-lua (the Lua
 * VM Argo CD runs them with), built from its Go module by {@code make glua}. Each case builds the
 * object from the operator's own Java types, serialises it as the API server would, and hands it to
 * the script as the global table {@code obj}, as Argo CD does.
 */
class ArgoHealthLuaTest {

  private static final Path ODOOVPS_SCRIPT = Path.of("argocd", "health-odoovps.lua");
  private static final Path MITIGATION_SCRIPT = Path.of("argocd", "health-mitigationstate.lua");
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private static Path glua;

  @TempDir Path dir;

  @BeforeEach
  void findGlua() {
    var configured = System.getProperty("glua.path");
    assertThat(configured)
        .as("-Dglua.path is not set: run `make glua` (or `make test`, which builds it)")
        .isNotBlank();
    glua = Path.of(configured);
    assertThat(glua).as("glua from -Dglua.path (run `make glua`)").isExecutable();
  }

  // ---- OdooVps

  @Test
  void aFreshVpsWithoutStatusIsProgressing() throws Exception {
    assertThat(health(ODOOVPS_SCRIPT, vps(1, null)))
        .isEqualTo("Progressing|Waiting for the operator to observe the VPS");
  }

  @Test
  void aReadyVpsWhoseGenerationWasObservedIsHealthy() throws Exception {
    var status = status(2, VpsPhase.Running, c -> ready(c, true, "VirtualMachineReady"));
    status.setIpv4("192.0.2.10");
    assertThat(health(ODOOVPS_SCRIPT, vps(2, status)))
        .isEqualTo("Healthy|The VirtualMachine is running and ready. IPv4 192.0.2.10");
  }

  @Test
  void aStaleObservedGenerationIsProgressing() throws Exception {
    var status = status(2, VpsPhase.Running, c -> ready(c, true, "VirtualMachineReady"));
    assertThat(health(ODOOVPS_SCRIPT, vps(3, status)))
        .isEqualTo("Progressing|Waiting for the operator to observe generation 3 (observed 2)");
  }

  @Test
  void aSuspendedVpsIsSuspendedWithItsReason() throws Exception {
    var status =
        status(
            4,
            VpsPhase.Suspended,
            c -> {
              ready(c, false, "Suspended");
              c.set(OdooVpsConditions.SUSPENDED, true, "Suspended", "Spam relay");
            });
    assertThat(health(ODOOVPS_SCRIPT, vps(4, status))).isEqualTo("Suspended|Suspended: Spam relay");
  }

  @Test
  void anIsolatedVpsIsSuspended() throws Exception {
    var status = status(1, VpsPhase.Isolated, c -> ready(c, true, "VirtualMachineReady"));
    assertThat(health(ODOOVPS_SCRIPT, vps(1, status))).startsWith("Suspended|Isolated");
  }

  @Test
  void anInvalidSpecIsDegradedWithTheRuleBroken() throws Exception {
    var message =
        "spec.location: unknown location mars-1. The last valid configuration keeps running.";
    var status =
        status(
            5,
            VpsPhase.Running,
            c -> {
              ready(c, true, "VirtualMachineReady");
              c.set(OdooVpsConditions.SPEC_VALID, false, OdooVpsConditions.REASON_INVALID, message);
            });
    assertThat(health(ODOOVPS_SCRIPT, vps(5, status))).isEqualTo("Degraded|" + message);
  }

  @Test
  void aReconcileErrorIsDegradedEvenBeforeTheGenerationIsObserved() throws Exception {
    var status =
        status(
            1,
            VpsPhase.Running,
            c ->
                c.set(
                    OdooVpsConditions.READY,
                    false,
                    "ReconcileError",
                    "Reconcile failed: connection refused"));
    assertThat(health(ODOOVPS_SCRIPT, vps(2, status)))
        .isEqualTo("Degraded|Reconcile failed: connection refused");
  }

  @Test
  void anOutageOfAVpsMeantToRunIsDegraded() throws Exception {
    var status =
        status(
            1, VpsPhase.Provisioning, c -> ready(c, false, OdooVpsConditions.REASON_VM_NOT_READY));
    status.setAvailability(
        new AvailabilityStatus("2026-03", 0L, "2026-03-01T09:40:00Z", "99.9", 12000L));
    assertThat(health(ODOOVPS_SCRIPT, vps(1, status)))
        .startsWith("Degraded|Down since 2026-03-01T09:40:00Z");
  }

  @Test
  void provisioningIsProgressing() throws Exception {
    var status =
        status(
            1, VpsPhase.Provisioning, c -> ready(c, false, OdooVpsConditions.REASON_VM_NOT_READY));
    assertThat(health(ODOOVPS_SCRIPT, vps(1, status)))
        .isEqualTo("Progressing|The VirtualMachine is not ready (KubeVirt status: Starting).");
  }

  @Test
  void terminationIsProgressingThenDegradedUntilTheRecordIsDeleted() throws Exception {
    var terminating =
        status(
            6,
            VpsPhase.Terminating,
            c -> c.set(OdooVpsConditions.TERMINATED, false, "Deleting", "Deleting the VM."));
    assertThat(health(ODOOVPS_SCRIPT, vps(6, terminating))).startsWith("Progressing|");
    var terminated =
        status(
            6,
            VpsPhase.Terminated,
            c ->
                c.set(
                    OdooVpsConditions.TERMINATED, true, "DataDeleted", "Everything was deleted."));
    assertThat(health(ODOOVPS_SCRIPT, vps(6, terminated)))
        .isEqualTo(
            "Degraded|Everything was deleted. Delete the OdooVps record (remove it from Git).");
  }

  @Test
  void aBlockedDeletionIsDegraded() throws Exception {
    var status =
        status(
            1,
            VpsPhase.Running,
            c -> {
              ready(c, true, "VirtualMachineReady");
              c.set(
                  OdooVpsConditions.DELETION_BLOCKED,
                  true,
                  "TerminationNotRequested",
                  "Deletion blocked: set spec.termination.confirm.");
            });
    assertThat(health(ODOOVPS_SCRIPT, vps(1, status)))
        .isEqualTo("Degraded|Deletion blocked: set spec.termination.confirm.");
  }

  @Test
  void anExhaustedPoolIsDegraded() throws Exception {
    var status =
        status(
            1,
            VpsPhase.Pending,
            c ->
                c.set(
                    OdooVpsConditions.IPV4_ALLOCATED,
                    false,
                    "PoolExhausted",
                    "No IPv4 left in paris-1."));
    assertThat(health(ODOOVPS_SCRIPT, vps(1, status)))
        .isEqualTo("Degraded|No IPv4 left in paris-1.");
  }

  /** Every condition type and phase the script names is one the operator writes. */
  @Test
  void theScriptNamesOnlyConditionsAndPhasesTheOperatorWrites() throws Exception {
    var script = Files.readString(ODOOVPS_SCRIPT);
    var conditionTypes =
        Arrays.stream(OdooVpsConditions.class.getFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("REASON_"))
            .map(
                f -> {
                  try {
                    return (String) f.get(null);
                  } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .collect(Collectors.toSet());
    var named = matches(script, "condition\\(status, \"([A-Za-z0-9]+)\"\\)");
    assertThat(named).isNotEmpty();
    assertThat(conditionTypes).containsAll(named);
    var phases = Arrays.stream(VpsPhase.values()).map(Enum::name).collect(Collectors.toSet());
    var phasesNamed = matches(script, "phase == \"([A-Za-z]+)\"");
    assertThat(phasesNamed).isNotEmpty();
    assertThat(phases).containsAll(phasesNamed);
  }

  // ---- MitigationState

  @Test
  void mitigationStates() throws Exception {
    assertThat(health(MITIGATION_SCRIPT, mitigation(1, null))).startsWith("Progressing|");
    assertThat(health(MITIGATION_SCRIPT, mitigation(1, mitigationStatus(1, null, null, List.of()))))
        .isEqualTo("Healthy|No mitigation in force");
    var ddos =
        new MitigationStateStatus.DdosStatus(
            true, 2, "2026-03-01T08:00:00Z", "2026-03-02T10:00:00Z", true, "alert", null, 1);
    assertThat(health(MITIGATION_SCRIPT, mitigation(2, mitigationStatus(2, ddos, null, List.of()))))
        .isEqualTo("Suspended|DDoS mitigation level 2 until at least 2026-03-02T10:00:00Z");
    var refused =
        new ConditionList(List.of(), 3L, NOW)
            .set(
                MitigationStateReconciler.REQUESTS,
                false,
                "RequestRefused",
                "DDoS mitigation holds at least 26 hours (contract article 9)")
            .build();
    assertThat(health(MITIGATION_SCRIPT, mitigation(3, mitigationStatus(3, ddos, null, refused))))
        .isEqualTo("Degraded|DDoS mitigation holds at least 26 hours (contract article 9)");
    var smtp =
        new MitigationStateStatus.SmtpStatus(
            true, 1, null, "2026-03-02T10:00:00Z", null, null, null, null, null, null);
    assertThat(health(MITIGATION_SCRIPT, mitigation(3, mitigationStatus(3, null, smtp, List.of()))))
        .isEqualTo("Suspended|port 25 blocked until 2026-03-02T10:00:00Z");
    assertThat(health(MITIGATION_SCRIPT, mitigation(4, mitigationStatus(3, null, smtp, List.of()))))
        .startsWith("Progressing|");
  }

  // ---- objects

  private static OdooVps vps(long generation, OdooVpsStatus status) {
    var vps = new OdooVps();
    vps.setMetadata(
        new ObjectMetaBuilder()
            .withName("acme")
            .withNamespace("odoo-customers")
            .withGeneration(generation)
            .build());
    vps.setStatus(status);
    return vps;
  }

  private static OdooVpsStatus status(
      long observedGeneration, VpsPhase phase, java.util.function.Consumer<ConditionList> set) {
    var conditions = new ConditionList(List.of(), observedGeneration, NOW);
    set.accept(conditions);
    var status = new OdooVpsStatus();
    status.setObservedGeneration(observedGeneration);
    status.setPhase(phase);
    status.setConditions(new ArrayList<>(conditions.build()));
    return status;
  }

  private static void ready(ConditionList c, boolean ready, String reason) {
    c.set(
        OdooVpsConditions.READY,
        ready,
        reason,
        ready
            ? "The VirtualMachine is running and ready."
            : "The VirtualMachine is not ready (KubeVirt status: Starting).");
  }

  private static MitigationState mitigation(long generation, MitigationStateStatus status) {
    var state = new MitigationState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withName("acme")
            .withNamespace("odoo-customers")
            .withGeneration(generation)
            .build());
    state.setStatus(status);
    return state;
  }

  private static MitigationStateStatus mitigationStatus(
      long observedGeneration,
      MitigationStateStatus.DdosStatus ddos,
      MitigationStateStatus.SmtpStatus smtp,
      List<io.fabric8.kubernetes.api.model.Condition> conditions) {
    return new MitigationStateStatus(ddos, smtp, conditions, observedGeneration);
  }

  // ---- BackupPolicy, OdooVpsRestore, SupportTicket

  private static final Path POLICY_SCRIPT = Path.of("argocd", "health-backuppolicy.lua");
  private static final Path RESTORE_SCRIPT = Path.of("argocd", "health-odoovpsrestore.lua");
  private static final Path TICKET_SCRIPT = Path.of("argocd", "health-supportticket.lua");

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T named(
      T object, long generation) {
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName("daily")
            .withNamespace("odoo-customers")
            .withGeneration(generation)
            .build());
    return object;
  }

  private static BackupPolicy policy(long generation, BackupPolicyStatus status) {
    var policy = named(new BackupPolicy(), generation);
    policy.setStatus(status);
    return policy;
  }

  private static BackupPolicyStatus policyStatus(
      long observed,
      Integer covered,
      Integer failing,
      java.util.function.Consumer<ConditionList> set) {
    var conditions = new ConditionList(List.of(), observed, NOW);
    set.accept(conditions);
    return new BackupPolicyStatus(
        observed,
        new ArrayList<>(conditions.build()),
        covered,
        failing,
        "2026-03-01T02:46:00Z",
        null,
        "2026-03-02T02:46:00Z",
        null,
        null,
        null);
  }

  @Test
  void aBackupPolicyIsHealthyWhileItsBackupsSucceedAndDegradedWhenTheyDoNot() throws Exception {
    assertThat(health(POLICY_SCRIPT, named(new BackupPolicy(), 1)))
        .isEqualTo("Progressing|Waiting for the operator to observe the policy");
    assertThat(health(POLICY_SCRIPT, policy(2, policyStatus(1, 0, 0, c -> {}))))
        .isEqualTo("Progressing|Waiting for the operator to observe generation 2");
    assertThat(
            health(
                POLICY_SCRIPT,
                policy(
                    1,
                    policyStatus(
                        1,
                        0,
                        0,
                        c ->
                            c.set(
                                BackupPolicyConditions.READY,
                                false,
                                "NotOffSite",
                                "spec.target.location paris-1 is the VPSs' own datacenter")))))
        .isEqualTo("Degraded|spec.target.location paris-1 is the VPSs' own datacenter");
    assertThat(
            health(
                POLICY_SCRIPT,
                policy(
                    1,
                    policyStatus(
                        1,
                        3,
                        1,
                        c -> {
                          c.set(BackupPolicyConditions.READY, true, "Ready", "Ready");
                          c.set(
                              BackupPolicyConditions.BACKUPS_SUCCEEDING,
                              false,
                              "BackupFailed",
                              "the last run of acme failed");
                        }))))
        .isEqualTo("Degraded|the last run of acme failed");
    assertThat(
            health(
                POLICY_SCRIPT,
                policy(
                    1,
                    policyStatus(
                        1,
                        3,
                        0,
                        c -> c.set(BackupPolicyConditions.READY, true, "Ready", "Ready")))))
        .isEqualTo("Healthy|Backing up 3 VPS(s), 0 failing; last success 2026-03-01T02:46:00Z");
  }

  @Test
  void aRestoreIsProgressingUntilItSucceedsAndDegradedWhenRefusedOrFailed() throws Exception {
    var restore = named(new OdooVpsRestore(), 1);
    assertThat(health(RESTORE_SCRIPT, restore))
        .isEqualTo("Progressing|Waiting for the operator to accept or refuse the restore");
    restore.setStatus(
        OdooVpsRestoreStatus.of(OdooVpsRestoreStatus.Phase.Restoring, "Writing the disk", null));
    assertThat(health(RESTORE_SCRIPT, restore)).isEqualTo("Progressing|Writing the disk");
    restore.setStatus(
        OdooVpsRestoreStatus.of(
            OdooVpsRestoreStatus.Phase.Rejected, "at most 2 restores per calendar month", null));
    assertThat(health(RESTORE_SCRIPT, restore))
        .isEqualTo("Degraded|at most 2 restores per calendar month");
    restore.setStatus(
        OdooVpsRestoreStatus.of(OdooVpsRestoreStatus.Phase.Succeeded, "Restored", NOW.toString()));
    assertThat(health(RESTORE_SCRIPT, restore)).isEqualTo("Healthy|Restored");
  }

  @Test
  void anOpenTicketIsHealthyUnlessTheHelpdeskWasNotTold() throws Exception {
    var ticket = named(new SupportTicket(), 1);
    assertThat(health(TICKET_SCRIPT, ticket))
        .isEqualTo("Progressing|Waiting for the operator to open the ticket");
    var forwarded = new ConditionList(List.of(), 1L, NOW);
    forwarded.set("Forwarded", true, "Forwarded", "Sent to the helpdesk");
    ticket.setStatus(ticketStatus(SupportTicketStatus.Phase.Open, forwarded));
    assertThat(health(TICKET_SCRIPT, ticket))
        .isEqualTo("Healthy|Open since 2026-03-01T09:00:00Z, 12 minute(s) spent");
    var failed = new ConditionList(List.of(), 1L, NOW);
    failed.set("Forwarded", false, "EmailFailed", "The helpdesk email was refused: 550");
    ticket.setStatus(ticketStatus(SupportTicketStatus.Phase.Open, failed));
    assertThat(health(TICKET_SCRIPT, ticket))
        .isEqualTo("Degraded|The helpdesk email was refused: 550");
  }

  private static SupportTicketStatus ticketStatus(
      SupportTicketStatus.Phase phase, ConditionList conditions) {
    return new SupportTicketStatus(
        1L,
        phase,
        "2026-03-01T09:00:00Z",
        null,
        null,
        0,
        null,
        12,
        null,
        null,
        new ArrayList<>(conditions.build()),
        null);
  }

  // ---- running the script as Argo CD does

  /** Runs {@code script} with {@code obj} set to the object and returns "status|message". */
  private String health(Path script, Object object) throws IOException, InterruptedException {
    @SuppressWarnings("unchecked")
    Map<String, Object> json = Serialization.jsonMapper().convertValue(object, Map.class);
    var prelude = dir.resolve("run.lua");
    Files.writeString(
        prelude,
        "obj = "
            + LuaLiteral.of(json)
            + "\n"
            + "local hs = dofile("
            + LuaLiteral.of(script.toAbsolutePath().toString())
            + ")\n"
            + "print(hs.status .. \"|\" .. hs.message)\n");
    var process =
        new ProcessBuilder(glua.toString(), prelude.toString()).redirectErrorStream(true).start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("glua did not finish in 20 s");
    }
    var output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.exitValue()).as("glua exit code; output:\n" + output).isZero();
    return output;
  }

  private static List<String> matches(String text, String regex) {
    var matcher = Pattern.compile(regex).matcher(text);
    var found = new ArrayList<String>();
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
