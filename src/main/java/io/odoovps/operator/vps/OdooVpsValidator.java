package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.NameRules;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules that depend on the platform's configuration and so cannot live in the CRD's CEL, and
 * the name rule for VPSs created before the API server checked it (it checks names on creation
 * only). Each message names the field and the rule. A failure never deletes anything: the
 * reconciler keeps the last valid VM and reports the messages as a condition and an Event.
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
    var name = vps.getMetadata().getName();
    if (name.length() > NameRules.VPS_NAME_MAX || !name.matches(NameRules.DNS_1035_LABEL)) {
      errors.add(
          "metadata.name "
              + name
              + " cannot name what a VPS is made of: it must be "
              + NameRules.VPS_NAME_TEXT
              + " (its Service, and KubeVirt's pod volume <name>-provider-ssh-access-cred);"
              + " create the VPS under another name");
    }
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
