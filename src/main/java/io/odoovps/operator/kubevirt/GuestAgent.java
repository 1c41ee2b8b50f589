package io.odoovps.operator.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;

/**
 * What a VM's guest agent reports, through KubeVirt's API (`subresources.kubevirt.io`, served by
 * virt-api): the guest's file systems, as {@code virtctl fslist} shows them.
 */
public final class GuestAgent {

  /** The `filesystemlist` subresource's body: one item per mounted file system. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record FileSystemList(List<FileSystem> items) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record FileSystem(String mountPoint, String fileSystemType, Long totalBytes, Long usedBytes) {}

  private GuestAgent() {}

  static String fileSystemListPath(String namespace, String vmi) {
    return "/apis/subresources.kubevirt.io/v1/namespaces/"
        + namespace
        + "/virtualmachineinstances/"
        + vmi
        + "/filesystemlist";
  }

  /**
   * The size of the guest's root file system, in bytes; empty when KubeVirt's API or the agent does
   * not answer (no virt-api, an agent not connected yet).
   */
  public static Optional<Long> rootFileSystemBytes(
      KubernetesClient client, String namespace, String vmi) {
    String body;
    try {
      body = client.raw(fileSystemListPath(namespace, vmi));
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
    return rootOf(body);
  }

  static Optional<Long> rootOf(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    try {
      var list = Serialization.unmarshal(body, FileSystemList.class);
      return list.items() == null
          ? Optional.empty()
          : list.items().stream()
              .filter(f -> "/".equals(f.mountPoint()) && f.totalBytes() != null)
              .map(FileSystem::totalBytes)
              .findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
