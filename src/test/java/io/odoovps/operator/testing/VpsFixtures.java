package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.CustomerSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;

/** OdooVps objects for tests. */
public final class VpsFixtures {

  private VpsFixtures() {}

  public static OdooVps vps(String namespace, String name) {
    var vps = new OdooVps();
    vps.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new OdooVpsSpec();
    spec.setPlan(new PlanSpec("business-2", 2, "4Gi", "40Gi"));
    spec.setLocation("paris-1");
    spec.setOdoo(new OdooSpec("17.0"));
    spec.setCustomer(new CustomerSpec("Alice Martin", name + "@customer.example"));
    spec.setBilling(
        new BillingSpec(BillingSpec.BillingMode.Subscription, "2026-01-15T09:00:00Z", null));
    vps.setSpec(spec);
    return vps;
  }
}
