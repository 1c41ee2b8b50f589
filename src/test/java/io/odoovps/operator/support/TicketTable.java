package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What `kubectl get supporttickets` prints: the API server's Table rendering of the CRD's printer
 * columns (the same request kubectl makes), as ticket name to column name to cell.
 */
final class TicketTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TicketTable() {}

  static Map<String, Map<String, Object>> rows(KubernetesClient client, String namespace)
      throws Exception {
    var http = client.getHttpClient();
    var url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/apis/odoovps.io/v1alpha1/namespaces/"
            + namespace
            + "/supporttickets?includeObject=None";
    var response =
        http.sendAsync(
                http.newHttpRequestBuilder()
                    .uri(url)
                    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                    .build(),
                String.class)
            .get(30, TimeUnit.SECONDS);
    if (response.code() != 200) {
      throw new IllegalStateException("Table GET answered " + response.code());
    }
    JsonNode table = JSON.readTree(response.body());
    var names = new java.util.ArrayList<String>();
    table.get("columnDefinitions").forEach(c -> names.add(c.get("name").asText()));
    var rows = new LinkedHashMap<String, Map<String, Object>>();
    for (var row : table.get("rows")) {
      var cells = new LinkedHashMap<String, Object>();
      for (int i = 0; i < names.size(); i++) {
        var cell = row.get("cells").get(i);
        cells.put(
            names.get(i), cell.isNull() ? null : cell.isNumber() ? cell.asLong() : cell.asText());
      }
      rows.put(String.valueOf(cells.get("Name")), cells);
    }
    return rows;
  }
}
