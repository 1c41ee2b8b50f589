package io.odoovps.operator.support;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * An API server failure while recording one alert's ticket, sorted into permanent (any 4xx but 408,
 * 409 and 429: the same request would be refused again) and transient (no answer, 5xx, 408, 409,
 * 429: a later try may pass). The message says what the API server answered, never the request.
 */
record ApiServerFailure(AlertProblem problem, String message) {

  private static final int MAX_MESSAGE = 300;

  static ApiServerFailure of(KubernetesClientException e) {
    int code = e.getCode();
    var status = e.getStatus();
    var said =
        status == null || status.getMessage() == null ? "" : ": " + trim(status.getMessage());
    var reason = status == null || status.getReason() == null ? "" : " " + status.getReason();
    var answer = "the API server answered " + code + reason + said;
    if (code <= 0) {
      return new ApiServerFailure(
          AlertProblem.API_SERVER_UNREACHABLE, "the API server could not be reached");
    }
    if (code >= 500) {
      return new ApiServerFailure(AlertProblem.API_SERVER_ERROR, answer);
    }
    if (code == 408 || code == 429) {
      return new ApiServerFailure(AlertProblem.API_SERVER_BUSY, answer);
    }
    if (code == 409) {
      return new ApiServerFailure(AlertProblem.CONFLICT, answer);
    }
    if (code == 404
        && status != null
        && status.getDetails() != null
        && "namespaces".equals(status.getDetails().getKind())) {
      return new ApiServerFailure(
          AlertProblem.NAMESPACE_NOT_FOUND,
          "label namespace names a namespace that does not exist ("
              + status.getDetails().getName()
              + ")");
    }
    if (code == 403) {
      return new ApiServerFailure(AlertProblem.FORBIDDEN, answer);
    }
    if (code == 422) {
      return new ApiServerFailure(AlertProblem.INVALID, answer);
    }
    if (code >= 400) {
      return new ApiServerFailure(AlertProblem.REFUSED, answer);
    }
    return new ApiServerFailure(AlertProblem.API_SERVER_ERROR, answer); // 1xx-3xx: unexpected
  }

  /** Whether the API server stopped answering: the notification's other alerts would wait too. */
  boolean unreachable() {
    return problem == AlertProblem.API_SERVER_UNREACHABLE;
  }

  private static String trim(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
