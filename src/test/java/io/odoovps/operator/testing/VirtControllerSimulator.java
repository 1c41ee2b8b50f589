package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays KubeVirt's virt-controller for the VMs of one namespace on the real KubeVirt CRDs (it
 * cannot run here): a VM with `runStrategy: Always` gets a VirtualMachineInstance and, once it
 * boots, `status.ready: true`; a halted VM loses its instance and its readiness. A test may keep a
 * VM from booting ({@link #failBoot}), as a guest that never comes up.
 */
public final class VirtControllerSimulator implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> unbootable = ConcurrentHashMap.newKeySet();
  private final Set<String> agents = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  public VirtControllerSimulator(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    loop.scheduleWithFixedDelay(this::tick, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** The VM {@code name} starts an instance that never becomes ready, until {@link #boot}. */
  public void failBoot(String name) {
    unbootable.add(name);
  }

  public void boot(String name) {
    unbootable.remove(name);
  }

  /**
   * The instances of VM {@code name} run on node {@code node-a} with their guest agent connected,
   * as virt-handler reports them (the agent itself does not answer here: no virt-api runs).
   */
  public void guestAgent(String name) {
    agents.add(name);
  }

  private void tick() {
    try {
      for (var vm :
          client.resources(VirtualMachine.class).inNamespace(namespace).list().getItems()) {
        var name = vm.getMetadata().getName();
        var instances =
            client
                .genericKubernetesResources("kubevirt.io/v1", "VirtualMachineInstance")
                .inNamespace(namespace)
                .withName(name);
        boolean running = instances.get() != null;
        boolean halted =
            vm.getSpec() != null
                && VirtualMachineSpec.RUN_HALTED.equals(vm.getSpec().runStrategy());
        if (halted && running) {
          instances.delete();
          status(vm, new VirtualMachineStatus(true, false, "Stopped"));
        } else if (halted) {
          status(vm, new VirtualMachineStatus(true, false, "Stopped"));
        } else if (!running) {
          var vmi = new GenericKubernetesResource();
          vmi.setApiVersion("kubevirt.io/v1");
          vmi.setKind("VirtualMachineInstance");
          vmi.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
          vmi.setAdditionalProperty("spec", Map.of("domain", Map.of("devices", Map.of())));
          if (agents.contains(name)) {
            // KubeVirt's VMI has no status subresource: virt-handler writes the whole object
            vmi.setAdditionalProperty(
                "status",
                Map.of(
                    "nodeName",
                    "node-a",
                    "conditions",
                    java.util.List.of(Map.of("type", "AgentConnected", "status", "True"))));
          }
          client.resource(vmi).create();
          status(vm, new VirtualMachineStatus(true, false, "Starting"));
        } else if (!unbootable.contains(name)) {
          status(vm, new VirtualMachineStatus(true, true, "Running"));
        }
      }
    } catch (RuntimeException e) {
      // the next tick retries; the test's assertions say what went wrong
    }
  }

  private void status(VirtualMachine vm, VirtualMachineStatus status) {
    if (status.equals(vm.getStatus())) {
      return;
    }
    vm.setStatus(status);
    client.resource(vm).updateStatus();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
