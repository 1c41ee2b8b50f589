package io.odoovps.operator.shaper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shapes one pod (gather its rates and devices, decide with {@link Shaping}, act with {@code tc}),
 * then writes on the pod what the kernel now applies.
 */
final class PodShaper {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client;
  private final HostNetwork net;
  private final Path cniResults;
  private final PrintStream log;

  PodShaper(KubernetesClient client, HostNetwork net, Path cniResults, PrintStream log) {
    this.client = client;
    this.net = net;
    this.cniResults = cniResults;
    this.log = log;
  }

  void shape(Pod pod) {
    var name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    var ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (pod.getMetadata().getDeletionTimestamp() != null || ip == null || ip.isBlank()) {
      return; // not started yet, or going: nothing to shape
    }
    var annotations = pod.getMetadata().getAnnotations();
    var ingress = Rates.bits(annotations == null ? null : annotations.get(Shaping.INGRESS));
    var egress = Rates.bits(annotations == null ? null : annotations.get(Shaping.EGRESS));
    Map<String, String> wanted;
    try {
      var found = hostDevice(ip);
      var device = found.map(Found::device);
      if (device.isEmpty()) {
        wanted =
            Shaping.unreadable("no veth of address " + ip + " in the CNI results " + cniResults);
      } else {
        var devices = net.devices(device.get());
        var plan = Shaping.plan(ingress, egress, devices);
        for (var change : plan.changes()) {
          net.replace(change);
          log(
              name
                  + ": "
                  + change.device()
                  + " tbf rate "
                  + Rates.quantity(change.bucket().rateBits())
                  + " burst "
                  + change.bucket().burstBytes());
        }
        var problems = new ArrayList<>(plan.problems());
        exempt(name, devices, found.get().gateway()).ifPresent(problems::add);
        wanted =
            Shaping.applied(
                plan.changes().isEmpty() ? devices : net.devices(device.get()), problems);
      }
    } catch (IOException | RuntimeException e) {
      wanted = Shaping.unreadable("shaping failed: " + e.getMessage());
    }
    var patch = Shaping.differences(wanted, annotations);
    if (patch.isEmpty()) {
      return;
    }
    if (patch.get(Shaping.PROBLEM) != null) {
      log(name + ": " + patch.get(Shaping.PROBLEM));
    }
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("metadata", Map.of("annotations", patch))));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        log(name + ": the applied rates could not be written: HTTP " + e.getCode());
      }
    }
  }

  /**
   * Keeps the pod's ARP and its answers to its node out of the egress bucket ({@link Exemptions}).
   */
  private Optional<String> exempt(String name, Shaping.Devices devices, Optional<String> gateway) {
    List<List<String>> steps;
    try {
      steps =
          Exemptions.steps(
              devices.hostDevice(),
              devices.ifb(),
              net.ingressFilters(devices.hostDevice()),
              gateway);
      for (var step : steps) {
        net.tc(step);
      }
    } catch (IOException e) {
      return Optional.of(
          "ARP and the node's probes not kept out of the egress bucket: " + e.getMessage());
    }
    if (!steps.isEmpty()) {
      log(
          name
              + ": "
              + devices.hostDevice()
              + " ingress: ARP"
              + gateway.map(g -> " and " + g).orElse("")
              + " pass, the rest to "
              + devices.ifb().orElseThrow());
    }
    return Optional.empty();
  }

  /** A pod's host veth and the gateway its CNI result gave it. */
  private record Found(String device, Optional<String> gateway) {}

  /** The host veth of the pod's address, from the newest cached CNI result that names one. */
  private Optional<Found> hostDevice(String ip) throws IOException {
    if (!Files.isDirectory(cniResults)) {
      return Optional.empty();
    }
    List<Path> files;
    try (var listing = Files.list(cniResults)) {
      files =
          new ArrayList<>(
              listing.filter(p -> !p.getFileName().toString().startsWith(".")).toList());
    }
    files.sort(Comparator.comparing(PodShaper::modified).reversed());
    for (var file : files) {
      List<String> candidates;
      Optional<String> gateway;
      try {
        var cached = JSON.readTree(file.toFile());
        candidates = CniResults.hostInterfaces(cached, ip);
        gateway = CniResults.gateway(cached, ip);
      } catch (IOException e) {
        continue; // being written, or not a result
      }
      for (var candidate : candidates) {
        if (net.isVeth(candidate)) {
          return Optional.of(new Found(candidate, gateway));
        }
      }
    }
    return Optional.empty();
  }

  private static Instant modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  private void log(String line) {
    log.println(Instant.now() + " " + line);
  }
}
