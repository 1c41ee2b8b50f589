package io.odoovps.operator.api.v1alpha1.mitigation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** The VPS's port-25 blocks and DDoS mitigation. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MitigationStateStatus(
    @JsonPropertyDescription("DDoS mitigation (contract article 9).") DdosStatus ddos,
    @JsonPropertyDescription("Port 25 (contract article 7).") SmtpStatus smtp,
    @JsonPropertyDescription(
            "DdosMitigation (on or off), SmtpBlocked, and RequestsHonoured: False while a request"
                + " in spec is refused, with the rule in its message.")
        List<Condition> conditions,
    @JsonPropertyDescription("The generation the status answers.") Long observedGeneration) {

  /** DDoS mitigation as it stands. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DdosStatus(
      @JsonPropertyDescription("Mitigation is on.") Boolean active,
      @JsonPropertyDescription("1 to 3; it only rises while active.") Integer level,
      @JsonPropertyDescription("When it was switched on.") String activatedAt,
      @JsonPropertyDescription("activatedAt + 26 hours: it cannot end before.") String earliestEnd,
      @JsonPropertyDescription("An attack alert fires now.") Boolean attackFiring,
      @JsonPropertyDescription("Why it was switched on: the alert, or support staff.")
          String activatedBy,
      @JsonPropertyDescription("When the last mitigation ended.") String endedAt,
      @JsonPropertyDescription("How many times mitigation was switched on.") Integer activations) {}

  /** Port 25 as it stands. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SmtpStatus(
      @JsonPropertyDescription("Outbound port 25 is blocked now.") Boolean blocked,
      @JsonPropertyDescription("Blocks so far; from the third, unblock requests are refused.")
          Integer blocks,
      @JsonPropertyDescription("When the last block began.") String blockedAt,
      @JsonPropertyDescription("When the current block ends by itself.") String blockedUntil,
      @JsonPropertyDescription("When the spam detection behind the last block started.")
          String detectionStartedAt,
      @JsonPropertyDescription("The last spec.smtp.unblockRequest answered.")
          String unblockRequestAnswered,
      @JsonPropertyDescription("Granted or Refused: the answer to it.") String unblockAnswer,
      @JsonPropertyDescription("When the last block was lifted on request.") String unblockedAt,
      @JsonPropertyDescription("When the customer was last emailed about a block.")
          String noticeSentAt,
      @JsonPropertyDescription("Why the last email failed, if it did (retried).")
          String noticeProblem) {}
}
