package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.status.ConditionList;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reconciles an OdooVps into its VirtualMachine. Order of a pass: validate what CEL cannot, then
 * (only when valid) reconcile the owned objects, then compute the status and write it only if it
 * changed. An invalid spec never deletes anything: the last valid VM keeps running.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "virtual-machine", type = OdooVpsVirtualMachineDependentResource.class)
    })
@ControllerConfiguration(name = OdooVpsReconciler.NAME)
public class OdooVpsReconciler implements Reconciler<OdooVps> {

  public static final String NAME = "odoovps";

  private final Clock clock;
  private final VirtualMachineDesign design;
  private final OdooVpsValidator validator;
  private final OdooVpsStatusBuilder statusBuilder;

  @Inject
  public OdooVpsReconciler(OperatorConfig config, Clock clock) {
    this.clock = clock;
    this.design = new VirtualMachineDesign(config);
    this.validator = new OdooVpsValidator(config);
    this.statusBuilder = new OdooVpsStatusBuilder(clock);
  }

  @Override
  public UpdateControl<OdooVps> reconcile(OdooVps vps, Context<OdooVps> context) {
    var errors = validator.validate(vps);
    if (errors.isEmpty()) {
      var workflow = context.managedWorkflowAndDependentResourceContext();
      workflow.put(VirtualMachineDesign.class, design);
      workflow.reconcileManagedWorkflow();
    }
    var vm = context.getSecondaryResource(VirtualMachine.class);
    var status = statusBuilder.build(vps, vm, errors);
    recordTransitions(vps, status, errors, new EventRecorder(context.getClient(), clock));
    if (Objects.equals(status, vps.getStatus())) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(withStatus(vps, status));
  }

  @Override
  public ErrorStatusUpdateControl<OdooVps> updateErrorStatus(
      OdooVps vps, Context<OdooVps> context, Exception e) {
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var message = "Reconcile failed: " + rootMessage(e);
    var unchanged =
        ConditionList.find(previous.getConditions(), OdooVpsConditions.READY)
            .map(c -> message.equals(c.getMessage()))
            .orElse(false);
    if (unchanged) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(context.getClient(), clock).warning(vps, "ReconcileError", message);
    var conditions =
        new ArrayList<>(
            new ConditionList(
                    previous.getConditions(), vps.getMetadata().getGeneration(), clock.instant())
                .set(OdooVpsConditions.READY, false, "ReconcileError", message)
                .build());
    previous.getConditions().stream()
        .filter(c -> !OdooVpsConditions.READY.equals(c.getType()))
        .forEach(conditions::add);
    var status = new OdooVpsStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setPhase(previous.getPhase());
    status.setIpv4(previous.getIpv4());
    status.setVirtualMachine(previous.getVirtualMachine());
    status.setConditions(conditions);
    return ErrorStatusUpdateControl.patchStatus(withStatus(vps, status));
  }

  private void recordTransitions(
      OdooVps vps, OdooVpsStatus next, List<String> errors, EventRecorder events) {
    var before = vps.getStatus();
    var wasInvalid =
        before != null
            && ConditionList.find(before.getConditions(), OdooVpsConditions.SPEC_VALID)
                .map(c -> "False".equals(c.getStatus()))
                .orElse(false);
    var invalidMessage =
        ConditionList.find(next.getConditions(), OdooVpsConditions.SPEC_VALID)
            .map(c -> c.getMessage())
            .orElse("");
    var previousInvalidMessage =
        before == null
            ? ""
            : ConditionList.find(before.getConditions(), OdooVpsConditions.SPEC_VALID)
                .map(c -> c.getMessage())
                .orElse("");
    if (!errors.isEmpty() && (!wasInvalid || !invalidMessage.equals(previousInvalidMessage))) {
      events.warning(vps, OdooVpsConditions.REASON_INVALID, invalidMessage);
    }
    if (before == null || before.getPhase() != next.getPhase()) {
      events.normal(
          vps,
          String.valueOf(next.getPhase()),
          "VPS is now "
              + next.getPhase()
              + (before == null || before.getPhase() == null
                  ? ""
                  : " (was " + before.getPhase() + ")"));
    }
  }

  static OdooVps withStatus(OdooVps vps, OdooVpsStatus status) {
    var fresh = new OdooVps();
    fresh.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(vps.getMetadata().getName())
            .withNamespace(vps.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  private static String rootMessage(Throwable e) {
    var cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
