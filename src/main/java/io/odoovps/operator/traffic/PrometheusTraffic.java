package io.odoovps.operator.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the cumulative outbound byte counter of every VM from Prometheus over its HTTP query API
 * ({@code POST <base>/api/v1/query}). The counter is KubeVirt's per-interface {@value #METRIC},
 * summed over the interfaces of each VMI.
 *
 * <p>This class only reports what Prometheus holds: a counter that went down (the VMI restarted, an
 * interface was unplugged) is reported as the new, lower value; the ledger handles resets. A VMI
 * whose series vanished from the scrape is marked stale by Prometheus and is then absent from the
 * result.
 *
 * <p>Prometheus carries sample values as 64-bit floats: the sum is read as a double and rounded to
 * the nearest byte. Every integer up to 2^53 (about 9 PB) is exact, so byte counts up to terabytes
 * are read without loss.
 */
public final class PrometheusTraffic {

  public static final String METRIC = "kubevirt_vmi_network_transmit_bytes_total";

  static final String QUERY = "sum by (namespace, name) (" + METRIC + ")";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final URI endpoint;
  private final String shownEndpoint;
  private final Duration timeout;
  private final Optional<String> bearerToken;
  private final HttpClient http;

  /**
   * @param baseUri where Prometheus answers, with its route prefix if it has one ({@code
   *     http://prometheus:9090} or {@code http://host/prometheus}); a trailing slash is ignored
   * @param timeout for connecting and for the whole query
   * @param bearerToken sent as {@code Authorization: Bearer}; never put in an error message
   */
  public PrometheusTraffic(URI baseUri, Duration timeout, Optional<String> bearerToken) {
    Objects.requireNonNull(baseUri, "baseUri");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
    var scheme = baseUri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("the Prometheus URL must be http or https: " + baseUri);
    }
    var path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    this.endpoint = baseUri.resolve(path + "/api/v1/query");
    this.shownEndpoint = withoutUserInfo(endpoint);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** One instant query, {@code sum by (namespace, name) (METRIC)}; a reading per VMI. */
  public Map<ResourceID, Reading> transmitBytes() throws IOException {
    var form = "query=" + URLEncoder.encode(QUERY, StandardCharsets.UTF_8);
    var request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new IOException(
          "Prometheus at " + shownEndpoint + " did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      var interrupted =
          new InterruptedIOException("interrupted while querying Prometheus at " + shownEndpoint);
      interrupted.initCause(e);
      throw interrupted;
    } catch (IOException e) {
      throw new IOException("cannot query Prometheus at " + shownEndpoint + ": " + describe(e), e);
    }
    return parse(response.statusCode(), response.body());
  }

  /**
   * The VMI's counter, summed over its interfaces.
   *
   * @param bytes the rounded sum
   * @param at the timestamp Prometheus gives the result sample: for an instant query this is the
   *     evaluation time (the moment Prometheus answered), and the value is the latest sample of
   *     each series scraped at or before it
   */
  public record Reading(long bytes, Instant at) {}

  private Map<ResourceID, Reading> parse(int status, String body) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root != null && "error".equals(root.path("status").asText())) {
      throw fail(
          "answered HTTP "
              + status
              + " with an error: "
              + root.path("errorType").asText("?")
              + ": "
              + root.path("error").asText("?"));
    }
    if (status != 200) {
      throw fail("answered HTTP " + status + ": " + excerpt(body));
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      throw fail("answered something that is not a query result: " + excerpt(body));
    }
    var data = root.path("data");
    if (!"vector".equals(data.path("resultType").asText()) || !data.path("result").isArray()) {
      throw fail("answered a " + data.path("resultType").asText("?") + " instead of a vector");
    }
    var readings = new HashMap<ResourceID, Reading>();
    for (var sample : data.path("result")) {
      var namespace = sample.path("metric").path("namespace").asText("");
      var name = sample.path("metric").path("name").asText("");
      if (namespace.isEmpty() || name.isEmpty()) {
        continue; // a series without the VMI's labels belongs to no VM
      }
      var value = sample.path("value");
      if (!value.isArray() || value.size() != 2 || !value.get(0).isNumber()) {
        throw fail("answered a malformed sample for " + namespace + "/" + name + ": " + sample);
      }
      readings.put(
          new ResourceID(name, namespace),
          new Reading(bytes(namespace, name, value.get(1).asText()), instant(value.get(0))));
    }
    return Map.copyOf(readings);
  }

  private long bytes(String namespace, String name, String text) throws IOException {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!Double.isFinite(value) || value < 0 || value >= 0x1p63) {
      throw fail(
          "answered " + text + " bytes for " + namespace + "/" + name + ", not a byte counter");
    }
    return Math.round(value);
  }

  private static Instant instant(JsonNode unixSeconds) {
    BigDecimal seconds = unixSeconds.decimalValue().setScale(9, RoundingMode.HALF_UP);
    long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValueExact();
    return Instant.ofEpochSecond(whole, nanos);
  }

  private IOException fail(String what) {
    return new IOException("Prometheus at " + shownEndpoint + " " + what);
  }

  private static String describe(IOException e) {
    var message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  private static String excerpt(String body) {
    var oneLine = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  private static String withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }
}
