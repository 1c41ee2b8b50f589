package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.naming.VpsLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PersistentVolumeClaim that keeps a VPS's disk as it was before a restore writes it: as large
 * as the disk, in its storage class and access modes, filesystem mode (the restore pod copies
 * `disk.img` onto it). It is the customer's data: labelled with the VPS (so that termination finds
 * it and the admission guard protects it), owned by the OdooVps and not by the restore (deleting
 * the restore never takes it), and deleted only through {@link
 * io.odoovps.operator.guard.DeletionApproval}.
 */
public final class SafetyCopyDesign {

  /** The component label of a safety copy. */
  public static final String COMPONENT = VpsLabels.SAFETY_COPY;

  /** The annotation naming the disk claim the copy was taken from. */
  public static final String COPY_OF = "odoovps.io/safety-copy-of";

  /** The approval reason once the copy is no longer needed. */
  public static final String RELEASED = "restore-safety-copy-released";

  private SafetyCopyDesign() {}

  /** The claim's name: the disk's, then the restore's, within 63 characters. */
  public static String name(String diskClaim, String restore) {
    return KubeNames.bounded(diskClaim + "-before-" + restore, 63);
  }

  /** Selects the safety copies of {@code vps}, whatever restore made them. */
  public static String selector(String vps) {
    return VpsLabels.safetyCopiesOf(vps);
  }

  /**
   * The safety copy of {@code vps}'s disk for {@code restore}: sized, classed and accessed like the
   * disk claim as the API server has it ({@code disk}), else as the operator would make the disk.
   */
  public static PersistentVolumeClaim desired(
      OdooVpsRestore restore,
      OdooVps vps,
      String diskClaim,
      Optional<PersistentVolumeClaim> disk,
      OperatorConfig.VirtualMachine vm) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    labels.put(VpsLabels.VPS, vps.getMetadata().getName());
    labels.put(BackupJobDesign.COMPONENT, COMPONENT);
    labels.put(BackupJobDesign.RESTORE_LABEL, restore.getMetadata().getName());
    var diskSpec = disk.map(PersistentVolumeClaim::getSpec);
    var size =
        diskSpec
            .map(s -> s.getResources() == null ? null : s.getResources().getRequests())
            .map(r -> r.get("storage"))
            .orElse(new Quantity(vps.getSpec().getPlan().getDisk()));
    var storageClass =
        diskSpec.map(s -> s.getStorageClassName()).or(() -> vm.storageClass()).orElse(null);
    List<String> accessModes =
        diskSpec
            .map(s -> s.getAccessModes())
            .filter(m -> !m.isEmpty())
            .orElse(vm.accessModes().isEmpty() ? List.of("ReadWriteOnce") : vm.accessModes());
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name(diskClaim, restore.getMetadata().getName()))
        .withNamespace(vps.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(Map.of(COPY_OF, diskClaim))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(vps.getApiVersion())
                .withKind(vps.getKind())
                .withName(vps.getMetadata().getName())
                .withUid(vps.getMetadata().getUid())
                .withController(false)
                .withBlockOwnerDeletion(false)
                .build())
        .endMetadata()
        .withNewSpec()
        .withAccessModes(List.copyOf(accessModes))
        .withStorageClassName(storageClass)
        .withVolumeMode("Filesystem")
        .withNewResources()
        .withRequests(Map.of("storage", size))
        .endResources()
        .endSpec()
        .build();
  }
}
