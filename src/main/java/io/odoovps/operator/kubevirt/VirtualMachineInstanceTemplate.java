package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/** `VirtualMachine.spec.template`: the instance that KubeVirt starts for the VM. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineInstanceTemplate(ObjectMeta metadata, Spec spec) {

  /** `VirtualMachineInstanceSpec`. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      Domain domain,
      List<Network> networks,
      List<Volume> volumes,
      List<AccessCredential> accessCredentials,
      Integer terminationGracePeriodSeconds,
      Probe readinessProbe) {}

  /**
   * `Probe` of a VirtualMachineInstance: with the masquerade binding, kubelet runs it against the
   * virt-launcher pod, whose address forwards to the guest; KubeVirt's Ready condition (and the
   * VM's `status.ready`) follow it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Probe(
      HttpGet httpGet,
      Integer initialDelaySeconds,
      Integer periodSeconds,
      Integer timeoutSeconds,
      Integer failureThreshold) {}

  /** `HTTPGetAction`: kubelet does not verify the certificate of an HTTPS probe. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HttpGet(String path, Integer port, String scheme) {}

  /** `AccessCredential`: SSH keys from a Secret, put in place by KubeVirt. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AccessCredential(SshPublicKey sshPublicKey) {}

  /** `SSHPublicKeyAccessCredential`: keys of a Secret, propagated by the guest agent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SshPublicKey(KeySource source, PropagationMethod propagationMethod) {}

  /** `SSHPublicKeyAccessCredentialSource`. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record KeySource(AccessSecret secret) {}

  /** `AccessCredentialSecretSource`. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AccessSecret(String secretName) {}

  /** `SSHPublicKeyAccessCredentialPropagationMethod`: through the QEMU guest agent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PropagationMethod(GuestAgent qemuGuestAgent) {}

  /** `QemuGuestAgentSSHPublicKeyAccessCredentialPropagation`: the guest users that get the keys. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record GuestAgent(List<String> users) {}

  /** `DomainSpec`: the virtual hardware. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Domain(Cpu cpu, Memory memory, Resources resources, Devices devices) {}

  /** `CPU`: sockets are the unit KubeVirt hot-plugs, up to `maxSockets`. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Cpu(Integer sockets, Integer cores, Integer threads, Integer maxSockets) {}

  /** `Memory`: the memory the guest sees. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Memory(String guest) {}

  /** `ResourceRequirements` of the virt-launcher pod: requests below limits is overcommit. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Resources(Map<String, String> requests, Map<String, String> limits) {}

  /** `Devices`: disks and network interfaces. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Devices(List<Disk> disks, List<Interface> interfaces) {}

  /** `Disk`: a disk device backed by the volume of the same name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Disk(String name, DiskTarget disk, Integer bootOrder) {}

  /** `DiskTarget`: the bus the disk is attached to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DiskTarget(String bus) {}

  /** `Interface`: a NIC bound to the pod network by masquerade (NAT behind the pod IP). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Interface(String name, Map<String, Object> masquerade, String model) {}

  /** `Network`: the pod network. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Network(String name, Map<String, Object> pod) {}

  /**
   * `Volume`: a DataVolume, a PersistentVolumeClaim, or a cloud-init NoCloud source read from a
   * Secret.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Volume(
      String name,
      DataVolumeRef dataVolume,
      ClaimRef persistentVolumeClaim,
      CloudInitNoCloud cloudInitNoCloud) {

    public static Volume dataVolume(String name, String dataVolume) {
      return new Volume(name, new DataVolumeRef(dataVolume), null, null);
    }

    public static Volume claim(String name, String claim) {
      return new Volume(name, null, new ClaimRef(claim), null);
    }

    public static Volume cloudInit(String name, String secret) {
      return new Volume(name, null, null, new CloudInitNoCloud(new SecretRef(secret)));
    }
  }

  /** `PersistentVolumeClaimVolumeSource` of a volume: the claim's name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ClaimRef(String claimName) {}

  /** `DataVolumeSource` of a volume: the DataVolume's name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DataVolumeRef(String name) {}

  /** `CloudInitNoCloudSource`: user data from a Secret, so no credential sits in the VM spec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CloudInitNoCloud(SecretRef secretRef) {}

  /** A local object reference to a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SecretRef(String name) {}
}
