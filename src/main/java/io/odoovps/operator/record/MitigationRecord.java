package io.odoovps.operator.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import java.util.List;

/**
 * The part of a MitigationState's status that the contract counts on: the port-25 blocks (their
 * count decides when unblock requests are refused, article 7) and the DDoS window (it cannot end
 * before 26 hours, article 9).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MitigationRecord(SmtpStatus smtp, DdosStatus ddos) {

  /**
   * The record of a status, or null while there is nothing to keep (never blocked, never
   * mitigated), so that a new MitigationState costs no write.
   */
  public static MitigationRecord of(MitigationStateStatus status) {
    if (status == null) {
      return null;
    }
    var smtp = status.smtp();
    var ddos = status.ddos();
    boolean blocked = smtp != null && smtp.blocks() != null && smtp.blocks() > 0;
    boolean mitigated =
        ddos != null
            && (Boolean.TRUE.equals(ddos.active())
                || (ddos.activations() != null && ddos.activations() > 0));
    if (!blocked && !mitigated) {
      return null;
    }
    return new MitigationRecord(blocked ? smtp : null, mitigated ? ddos : null);
  }

  /** Whether a status lost what the record keeps. */
  public static boolean lost(MitigationStateStatus status) {
    return status == null || (status.smtp() == null && status.ddos() == null);
  }

  /** A status that starts from the record. */
  public MitigationStateStatus seed() {
    return new MitigationStateStatus(ddos, smtp, List.of(), null);
  }
}
