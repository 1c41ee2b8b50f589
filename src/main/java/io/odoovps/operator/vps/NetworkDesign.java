package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.traffic.FilterPolicyDesign;
import java.util.List;
import java.util.Map;

/**
 * The VPS's network objects: the Service that carries its fixed IPv4 (a LoadBalancer pinned to the
 * address), and, while suspended-by-isolation or isolated for security, a NetworkPolicy that cuts
 * the VM off from the Internet in both directions but keeps the provider's admin networks open.
 */
public class NetworkDesign {

  private final OperatorConfig config;

  public NetworkDesign(OperatorConfig config) {
    this.config = config;
  }

  public static String isolationPolicyName(OdooVps vps) {
    return vps.getMetadata().getName() + "-isolation";
  }

  /** Pods of the VPS: KubeVirt copies the template's labels onto its virt-launcher pod. */
  public static Map<String, String> podSelector(OdooVps vps) {
    return Map.of(VpsLabels.VPS, vps.getMetadata().getName());
  }

  public Service service(OdooVps vps, String ipv4) {
    return service(vps, ipv4, Map.of());
  }

  /** The Service, with extra annotations (the scrubbing route while DDoS mitigation is on). */
  public Service service(OdooVps vps, String ipv4, Map<String, String> extraAnnotations) {
    var annotations = new java.util.TreeMap<>(config.service().annotations());
    annotations.putAll(extraAnnotations);
    annotations.put(config.service().addressAnnotation(), ipv4);
    var serviceConfig = config.service();
    List<ServicePort> ports =
        serviceConfig.ports().stream()
            .map(
                p ->
                    new ServicePortBuilder()
                        .withName("tcp-" + p)
                        .withProtocol("TCP")
                        .withPort(p)
                        .withTargetPort(new IntOrString(p))
                        .build())
            .toList();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(vps.getMetadata().getName())
        .withNamespace(vps.getMetadata().getNamespace())
        .withLabels(VpsLabels.of(vps))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withLoadBalancerIP(ipv4)
        .withLoadBalancerClass(serviceConfig.loadBalancerClass().orElse(null))
        .withAllocateLoadBalancerNodePorts(false)
        .withExternalTrafficPolicy(serviceConfig.externalTrafficPolicy())
        .withSelector(podSelector(vps))
        .withPorts(ports)
        .endSpec()
        .build();
  }

  public NetworkPolicy isolationPolicy(OdooVps vps) {
    List<NetworkPolicyPeer> admins =
        config.provider().adminCidrs().orElse(List.of()).stream()
            .map(
                cidr ->
                    new NetworkPolicyPeerBuilder()
                        .withNewIpBlock()
                        .withCidr(cidr)
                        .endIpBlock()
                        .build())
            .toList();
    var spec =
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName(isolationPolicyName(vps))
            .withNamespace(vps.getMetadata().getNamespace())
            .withLabels(VpsLabels.of(vps))
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(podSelector(vps))
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress");
    // a rule with no peer allows everyone: without provider networks, only the guest commands
    if (!admins.isEmpty()) {
      spec.addNewIngress().withFrom(admins).endIngress().addNewEgress().withTo(admins).endEgress();
    }
    return spec.addToIngress(FilterPolicyDesign.guestCommands(vps.getMetadata().getName()))
        .endSpec()
        .build();
  }
}
