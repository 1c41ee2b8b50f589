package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.kubevirt.DataVolumeTemplate;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.AccessCredential;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.AccessSecret;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Cpu;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Devices;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Disk;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.DiskTarget;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Domain;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.GuestAgent;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.HttpGet;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Interface;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.KeySource;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Memory;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Network;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Probe;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.PropagationMethod;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Resources;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.SshPublicKey;
import io.odoovps.operator.kubevirt.VirtualMachineInstanceTemplate.Volume;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.naming.VpsLabels;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Turns an OdooVps and the platform configuration into the KubeVirt VirtualMachine that runs it: a
 * dedicated disk created from the provider image, CPU and memory requested below their limits by
 * the overcommit ratios, one NIC on the pod network. A pure function, unit-tested directly.
 */
public class VirtualMachineDesign {

  public static final String ROOT_DISK = "rootdisk";
  public static final String POD_NETWORK = "default";
  public static final String CLOUD_INIT = "cloudinit";
  private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

  private final OperatorConfig config;

  public VirtualMachineDesign(OperatorConfig config) {
    this.config = config;
  }

  /** Name of the DataVolume (and PVC) that holds the VPS's dedicated disk. */
  public static String diskName(OdooVps vps) {
    return KubeNames.diskClaim(vps.getMetadata().getName());
  }

  /** The running VM, as in {@link #render(OdooVps, boolean)} with halted false. */
  public VirtualMachine render(OdooVps vps) {
    return render(vps, false);
  }

  /** The VM of the VPS at the guaranteed bandwidth. */
  public VirtualMachine render(OdooVps vps, boolean halted) {
    return render(vps, halted, config.traffic().bandwidthMbps());
  }

  /**
   * The VM of the VPS; a halted VM keeps its disk and address but does not run. Its pod carries the
   * bandwidth plugin's annotations at {@code bandwidthMbps}; that plugin reads them when the pod
   * starts, so a change applies at the VM's next start (KubeVirt does not mark a VM RestartRequired
   * for template metadata, so the operator does not reboot it for this).
   */
  public VirtualMachine render(OdooVps vps, boolean halted, int bandwidthMbps) {
    var plan = vps.getSpec().getPlan();
    var labels = VpsLabels.of(vps);

    var vm = new VirtualMachine();
    vm.setMetadata(
        new ObjectMetaBuilder()
            .withName(vps.getMetadata().getName())
            .withNamespace(vps.getMetadata().getNamespace())
            .withLabels(labels)
            .build());
    vm.setSpec(
        new VirtualMachineSpec(
            halted ? VirtualMachineSpec.RUN_HALTED : VirtualMachineSpec.RUN_ALWAYS,
            dataVolumeProvisioning() ? List.of(disk(vps, plan, labels)) : null,
            template(vps, plan, labels, bandwidthMbps)));
    return vm;
  }

  private DataVolumeTemplate disk(OdooVps vps, PlanSpec plan, Map<String, String> labels) {
    var vmConfig = config.vm();
    var image = vmConfig.image();
    var source =
        image.startsWith("http://") || image.startsWith("https://")
            ? new DataVolumeTemplate.Source(null, new DataVolumeTemplate.Http(image))
            : new DataVolumeTemplate.Source(new DataVolumeTemplate.Registry(image), null);
    return new DataVolumeTemplate(
        new ObjectMetaBuilder().withName(diskName(vps)).withLabels(labels).build(),
        new DataVolumeTemplate.Spec(
            source,
            new DataVolumeTemplate.Storage(
                vmConfig.accessModes().isEmpty() ? null : List.copyOf(vmConfig.accessModes()),
                new DataVolumeTemplate.Resources(Map.of("storage", plan.getDisk())),
                vmConfig.storageClass().orElse(null))));
  }

  /** The standard bandwidth plugin's pod annotations, in Mbit/s. */
  public static Map<String, String> bandwidthAnnotations(int mbps) {
    return Map.of(
        INGRESS_BANDWIDTH, mbps + "M",
        EGRESS_BANDWIDTH, mbps + "M");
  }

  public static final String INGRESS_BANDWIDTH = "kubernetes.io/ingress-bandwidth";
  public static final String EGRESS_BANDWIDTH = "kubernetes.io/egress-bandwidth";

  private VirtualMachineInstanceTemplate template(
      OdooVps vps, PlanSpec plan, Map<String, String> labels, int bandwidthMbps) {
    var domain =
        new Domain(
            new Cpu(plan.getVcpu(), 1, 1, null),
            new Memory(plan.getMemory()),
            new Resources(
                Map.of(
                    "cpu", cpuRequest(plan.getVcpu()),
                    "memory", memoryRequest(plan.getMemory())),
                Map.of("cpu", String.valueOf(plan.getVcpu()), "memory", plan.getMemory())),
            new Devices(
                List.of(
                    new Disk(ROOT_DISK, new DiskTarget("virtio"), 1),
                    new Disk(CLOUD_INIT, new DiskTarget("virtio"), null)),
                List.of(new Interface(POD_NETWORK, Map.of(), "virtio"))));
    return new VirtualMachineInstanceTemplate(
        new ObjectMetaBuilder()
            .withLabels(labels)
            .withAnnotations(new java.util.TreeMap<>(bandwidthAnnotations(bandwidthMbps)))
            .build(),
        new VirtualMachineInstanceTemplate.Spec(
            domain,
            List.of(new Network(POD_NETWORK, Map.of())),
            List.of(
                dataVolumeProvisioning()
                    ? Volume.dataVolume(ROOT_DISK, diskName(vps))
                    : Volume.claim(ROOT_DISK, diskName(vps)),
                Volume.cloudInit(CLOUD_INIT, GuestDesign.cloudInitSecretName(vps))),
            List.of(
                new AccessCredential(
                    new SshPublicKey(
                        new KeySource(new AccessSecret(GuestDesign.providerSshSecretName(vps))),
                        new PropagationMethod(new GuestAgent(List.of("root")))))),
            120,
            readinessProbe()));
  }

  /** Whether CDI imports the disk (a DataVolume template) rather than the operator's fill Job. */
  public boolean dataVolumeProvisioning() {
    return config.vm().diskProvisioning() == OperatorConfig.DiskProvisioning.DataVolume;
  }

  /**
   * Odoo answers through the guest's TLS proxy: HTTPS on 443 at the configured path, every 10 s,
   * not ready after three misses. No initial delay: a guest still booting or provisioning is simply
   * not ready yet (under software emulation that takes minutes).
   */
  private Probe readinessProbe() {
    return new Probe(
        new HttpGet(config.vm().readinessPath(), ODOO_HTTPS_PORT, "HTTPS"), null, 10, 5, 3);
  }

  /** The port of the guest's TLS proxy in front of Odoo. */
  public static final int ODOO_HTTPS_PORT = 443;

  /** The host CPU the VM's pod requests: the plan's vCPUs divided by the CPU overcommit ratio. */
  String cpuRequest(int vcpu) {
    long millis = (long) Math.ceil(vcpu * 1000 / config.overcommit().cpuRatio());
    return millis + "m";
  }

  /** The host memory the VM's pod requests: guest memory divided by the memory ratio, in Mi. */
  String memoryRequest(String memory) {
    var bytes = Quantity.getAmountInBytes(new Quantity(memory));
    var mib =
        bytes
            .divide(MIB, 0, RoundingMode.UP)
            .divide(BigDecimal.valueOf(config.overcommit().memoryRatio()), 0, RoundingMode.UP);
    return mib.toPlainString() + "Mi";
  }
}
