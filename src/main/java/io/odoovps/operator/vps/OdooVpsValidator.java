package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules that depend on the platform's configuration and so cannot live in the CRD's CEL. Each
 * message names the field and the rule. A failure never deletes anything: the reconciler keeps the
 * last valid VM and reports the messages as a condition and an Event.
 */
public class OdooVpsValidator {

  private final OperatorConfig config;
  private final Set<String> locations;

  public OdooVpsValidator(OperatorConfig config, Set<String> locations) {
    this.config = config;
    this.locations = locations;
  }

  public List<String> validate(OdooVps vps) {
    var errors = new ArrayList<String>();
    var version = vps.getSpec().getOdoo().getVersion();
    var supported = config.odoo().supportedVersions();
    if (!supported.contains(version)) {
      errors.add(
          "spec.odoo.version "
              + version
              + " is not supported by the provider image (supported: "
              + String.join(", ", supported)
              + ")");
    }
    var location = vps.getSpec().getLocation();
    if (!locations.contains(location)) {
      errors.add(
          "spec.location "
              + location
              + " is not a datacenter of this platform (known: "
              + String.join(", ", new TreeSet<>(locations))
              + ")");
    }
    return errors;
  }
}
