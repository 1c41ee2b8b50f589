package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** API server failures sorted into refusals for good and failures Alertmanager retries. */
class ApiServerFailureTest {

  private static ApiServerFailure answered(int code, String reason, String kind, String message) {
    return ApiServerFailure.of(
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .withNewDetails()
                .withKind(kind)
                .withName("gone")
                .endDetails()
                .build()));
  }

  @Test
  void noAnswerIsTransientAndStopsTheNotification() {
    var failure =
        ApiServerFailure.of(
            new KubernetesClientException(
                "Operation: [list] failed", new ConnectException("Connection refused")));
    assertThat(failure.problem()).isEqualTo(AlertProblem.API_SERVER_UNREACHABLE);
    assertThat(failure.problem().permanent()).isFalse();
    assertThat(failure.unreachable()).isTrue();
    assertThat(failure.message()).isEqualTo("the API server could not be reached");
  }

  @Test
  void fiveHundredsThrottlingAndConflictsAreTransient() {
    assertThat(answered(500, "InternalError", null, "failed calling webhook").problem())
        .isEqualTo(AlertProblem.API_SERVER_ERROR);
    assertThat(answered(503, "ServiceUnavailable", null, "etcd").problem())
        .isEqualTo(AlertProblem.API_SERVER_ERROR);
    assertThat(answered(504, "Timeout", null, "").problem())
        .isEqualTo(AlertProblem.API_SERVER_ERROR);
    assertThat(answered(429, "TooManyRequests", null, "").problem())
        .isEqualTo(AlertProblem.API_SERVER_BUSY);
    assertThat(answered(408, "Timeout", null, "").problem())
        .isEqualTo(AlertProblem.API_SERVER_BUSY);
    assertThat(answered(409, "Conflict", "supporttickets", "modified").problem())
        .isEqualTo(AlertProblem.CONFLICT);
    for (var code : new int[] {500, 503, 429, 408, 409}) {
      var failure = answered(code, "R", null, "m");
      assertThat(failure.problem().permanent()).as("%d", code).isFalse();
      assertThat(failure.unreachable()).as("%d", code).isFalse();
    }
  }

  @Test
  void otherFourHundredsAreRefusalsForGoodSayingWhatTheApiServerAnswered() {
    var namespace = answered(404, "NotFound", "namespaces", "namespaces \"gone\" not found");
    assertThat(namespace.problem()).isEqualTo(AlertProblem.NAMESPACE_NOT_FOUND);
    assertThat(namespace.message()).contains("does not exist (gone)");
    assertThat(answered(404, "NotFound", "supporttickets", "not found").problem())
        .isEqualTo(AlertProblem.REFUSED);
    var forbidden = answered(403, "Forbidden", null, "namespace is being terminated");
    assertThat(forbidden.problem()).isEqualTo(AlertProblem.FORBIDDEN);
    assertThat(forbidden.message())
        .isEqualTo("the API server answered 403 Forbidden: namespace is being terminated");
    assertThat(answered(422, "Invalid", "SupportTicket", "spec.summary: Too long").problem())
        .isEqualTo(AlertProblem.INVALID);
    assertThat(answered(400, "BadRequest", null, "").problem()).isEqualTo(AlertProblem.REFUSED);
    for (var code : new int[] {400, 403, 404, 422}) {
      assertThat(answered(code, "R", null, "m").problem().permanent()).as("%d", code).isTrue();
    }
    // a long answer is cut
    assertThat(answered(422, "Invalid", null, "x".repeat(5000)).message()).hasSizeLessThan(400);
  }
}
