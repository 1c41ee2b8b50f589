package io.odoovps.operator.naming;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.Map;

/** The labels on every object the operator creates for a VPS; informers select on managed-by. */
public final class VpsLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "odoovps-operator";
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;
  public static final String VPS = "odoovps.io/vps";
  public static final String LOCATION = "odoovps.io/location";

  /** What an object of ours is for: backup, restore, restore-safety-copy. */
  public static final String COMPONENT = "app.kubernetes.io/component";

  /** The component of a restore's safety copy of a VPS's disk. */
  public static final String SAFETY_COPY = "restore-safety-copy";

  /** Selects the restore safety copies of {@code vps}, whatever restore made them. */
  public static String safetyCopiesOf(String vps) {
    return MANAGED_BY_SELECTOR + "," + VPS + "=" + vps + "," + COMPONENT + "=" + SAFETY_COPY;
  }

  /** The component of the Jobs that run commands in a VPS's guest over SSH. */
  public static final String GUEST_COMMAND = "guest-command";

  /**
   * Names the VPS on a guest-command pod. Not {@link #VPS}: the VPS's Service and policies select
   * that label, and must not select the pod.
   */
  public static final String GUEST_COMMAND_FOR = "odoovps.io/guest-command-for";

  /** The labels of the guest-command pods of {@code vps}, which its policies let in on TCP 22. */
  public static Map<String, String> guestCommandPods(String vps) {
    return Map.of(GUEST_COMMAND_FOR, vps, COMPONENT, GUEST_COMMAND, MANAGED_BY, OPERATOR);
  }

  private VpsLabels() {}

  public static Map<String, String> of(OdooVps vps) {
    return Map.of(
        MANAGED_BY,
        OPERATOR,
        "app.kubernetes.io/name",
        "odoo-vps",
        "app.kubernetes.io/instance",
        vps.getMetadata().getName(),
        VPS,
        vps.getMetadata().getName(),
        LOCATION,
        vps.getSpec().getLocation());
  }
}
