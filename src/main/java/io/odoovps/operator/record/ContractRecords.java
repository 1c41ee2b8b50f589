package io.odoovps.operator.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.naming.KubeNames;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the contract record of a VPS: the ConfigMap {@code odoovps-record-<namespace>-
 * <vps>} in the operator's namespace, one data key per writer ({@link #VPS_KEY} for the OdooVps
 * reconciler, {@link #MITIGATION_KEY} for the MitigationState reconciler), each a JSON document
 * merged in by a JSON merge patch of that key alone, so the two never overwrite each other. It
 * carries the label {@code odoovps.io/vps}: the customer-data guard refuses deleting it without the
 * approval that only termination gives.
 */
public final class ContractRecords {

  public static final String VPS_KEY = "vps.json";
  public static final String MITIGATION_KEY = "mitigation.json";
  static final String RECORD_LABEL = "odoovps.io/contract-record";

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final String namespace;

  /**
   * @param namespace the operator's namespace (where the restore ledger lives too)
   */
  public ContractRecords(String namespace) {
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /** The record's name for the VPS {@code vps} of {@code vpsNamespace}. */
  public static String name(String vpsNamespace, String vps) {
    return KubeNames.bounded("odoovps-record-" + vpsNamespace + "-" + vps, 253);
  }

  /** The document under {@code key}, if the record holds one. */
  public <T> Optional<T> read(
      KubernetesClient client, String vpsNamespace, String vps, String key, Class<T> type) {
    var map = client.configMaps().inNamespace(namespace).withName(name(vpsNamespace, vps)).get();
    if (map == null || map.getData() == null || map.getData().get(key) == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(map.getData().get(key), type));
    } catch (JsonProcessingException e) {
      return Optional.empty(); // an unreadable copy is no copy: the object's own state stands
    }
  }

  /** Writes the document under {@code key} (creating the record if it does not exist). */
  public void write(
      KubernetesClient client, String vpsNamespace, String vps, String key, Object document) {
    String json;
    try {
      json = JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    var resource = client.configMaps().inNamespace(namespace).withName(name(vpsNamespace, vps));
    var patch = "{\"data\":" + quoteMap(key, json) + "}";
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      try {
        client.resource(record(vpsNamespace, vps, Map.of(key, json))).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e; // 409: the other writer created it a moment ago; patch it
        }
      }
    }
  }

  /** Deletes the record (the termination path), approved first. */
  public void delete(KubernetesClient client, String vpsNamespace, String vps) {
    DeletionApproval.delete(
        client.configMaps().inNamespace(namespace).withName(name(vpsNamespace, vps)),
        DeletionApproval.TERMINATION);
  }

  /** Whether the record still exists. */
  public boolean exists(KubernetesClient client, String vpsNamespace, String vps) {
    return client.configMaps().inNamespace(namespace).withName(name(vpsNamespace, vps)).get()
        != null;
  }

  private ConfigMap record(String vpsNamespace, String vps, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(vpsNamespace, vps))
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "odoovps-operator")
        .addToLabels(RECORD_LABEL, "true")
        .addToLabels("odoovps.io/vps", vps)
        .addToLabels("odoovps.io/vps-namespace", vpsNamespace)
        .endMetadata()
        .withData(data)
        .build();
  }

  private static String quoteMap(String key, String value) {
    try {
      return JSON.writeValueAsString(Map.of(key, value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
