package io.odoovps.operator.vps;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.cache.StartOnceInformerEventSource;
import io.odoovps.operator.naming.VpsLabels;

/**
 * The VPS's supervision rules (contract article 3: CPU, network, file systems, memory; article 10:
 * availability), whose alerts Alertmanager sends to the operator's ticket webhook. Active only
 * where prometheus-operator's CRD is installed. Typed with fabric8's model of prometheus-operator's
 * API (openshift-model-monitoring).
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsPrometheusRuleDependentResource
    extends CRUDKubernetesDependentResource<PrometheusRule, OdooVps> {

  public OdooVpsPrometheusRuleDependentResource() {
    super(PrometheusRule.class);
  }

  @Override
  protected PrometheusRule desired(OdooVps vps, Context<OdooVps> context) {
    var generic = Enforcement.of(context).alertRuleDesign().prometheusRule(vps);
    return Serialization.unmarshal(Serialization.asJson(generic), PrometheusRule.class);
  }

  /** Its informer starts once, not at each reconcile ({@link StartOnceInformerEventSource}). */
  @Override
  protected InformerEventSource<PrometheusRule, OdooVps> createEventSource(
      EventSourceContext<OdooVps> context) {
    return StartOnceInformerEventSource.replace(this, super.createEventSource(context), context);
  }
}
