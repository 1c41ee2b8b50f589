package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.Map;

/** The labels on every object the operator creates for a VPS; informers select on managed-by. */
public final class VpsLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "odoovps-operator";
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;
  public static final String VPS = "odoovps.io/vps";
  public static final String LOCATION = "odoovps.io/location";

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
