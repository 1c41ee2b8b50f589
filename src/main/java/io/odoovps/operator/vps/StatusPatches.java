package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import java.util.ArrayList;

/** Status writes: a fresh object with name, namespace and status only (never the spec). */
final class StatusPatches {

  private StatusPatches() {}

  /** A copy, so that the informer cache's object is never mutated. */
  static OdooVpsStatus copyOf(OdooVpsStatus status) {
    var copy = new OdooVpsStatus();
    copy.setObservedGeneration(status.getObservedGeneration());
    copy.setPhase(status.getPhase());
    copy.setIpv4(status.getIpv4());
    copy.setVirtualMachine(status.getVirtualMachine());
    copy.setAccessCodesSentAt(status.getAccessCodesSentAt());
    copy.setIdentityDeadline(status.getIdentityDeadline());
    copy.setBilling(status.getBilling());
    copy.setPlanChange(status.getPlanChange());
    copy.setSuspension(status.getSuspension());
    copy.setTermination(status.getTermination());
    copy.setSupport(status.getSupport());
    copy.setAvailability(status.getAvailability());
    copy.setMaintenance(status.getMaintenance());
    copy.setGuest(status.getGuest());
    copy.setTraffic(status.getTraffic());
    copy.setContractEnd(status.getContractEnd());
    copy.setNotices(status.getNotices());
    copy.setBackup(status.getBackup());
    copy.setConditions(new ArrayList<>(status.getConditions()));
    return copy;
  }

  /**
   * A copy of the VPS (same metadata and spec) whose status is {@code seed}: a pass that starts
   * from the contract record; the cached object is left alone.
   */
  static OdooVps withSeed(OdooVps vps, OdooVpsStatus seed) {
    var copy = new OdooVps();
    copy.setMetadata(vps.getMetadata());
    copy.setSpec(vps.getSpec());
    copy.setStatus(seed);
    return copy;
  }

  static OdooVps withStatus(OdooVps vps, OdooVpsStatus status) {
    var fresh = new OdooVps();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(vps.getMetadata().getName())
            .withNamespace(vps.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
