package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.status.ConditionList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The status sections of the contract's safety nets, beside what {@link OdooVpsStatusBuilder}
 * computes: the end of a fixed term (TermEnded), backup coverage (BackedUp), and the delivery of
 * notices (NoticesDelivered). On the passes that do not measure them they keep their last values,
 * so that an invalid spec or a termination does not flip them.
 */
final class ContractSections {

  private static final Set<String> OWN =
      Set.of(
          OdooVpsConditions.TERM_ENDED,
          OdooVpsConditions.BACKED_UP,
          OdooVpsConditions.NOTICES_DELIVERED);

  private ContractSections() {}

  /** Sets contractEnd, backup and their conditions from the pass's sections. */
  static void apply(OdooVps vps, OdooVpsStatus status, VpsSections sections, Instant now) {
    var before = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    if (!sections.measured()) {
      status.setContractEnd(before.getContractEnd());
      status.setBackup(before.getBackup());
      carry(before, status, OdooVpsConditions.TERM_ENDED, OdooVpsConditions.BACKED_UP);
      return;
    }
    status.setContractEnd(sections.contractEnd());
    var c = new ConditionList(before.getConditions(), vps.getMetadata().getGeneration(), now);
    var end = sections.contractEnd();
    if (end != null) {
      c.set(
          OdooVpsConditions.TERM_ENDED,
          true,
          Boolean.TRUE.equals(end.held()) ? "EndAlreadyPast" : "FixedTermEnded",
          "The fixed term ended (spec.billing.end "
              + end.termEnd()
              + "); suspended, data kept until "
              + end.deleteAt()
              + ", then deleted unless spec.billing is extended");
    } else if (ConditionList.find(before.getConditions(), OdooVpsConditions.TERM_ENDED)
        .isPresent()) {
      c.set(OdooVpsConditions.TERM_ENDED, false, "Extended", "The term was extended.");
    }
    var backup = sections.backup();
    if (backup != null) {
      status.setBackup(backup.status());
      c.set(OdooVpsConditions.BACKED_UP, backup.backedUp(), backup.reason(), backup.message());
    }
    add(status, c.build());
  }

  /** NoticesDelivered: False while a notice waits for the mail server, with its error. */
  static void notices(OdooVps vps, OdooVpsStatus status, Instant now) {
    var notices =
        status.getNotices() == null
            ? List.<io.odoovps.operator.api.v1alpha1.odoovps.NoticeStatus>of()
            : status.getNotices();
    var waiting = notices.stream().filter(n -> n.sentAt() == null).toList();
    var before = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    if (notices.isEmpty()
        && ConditionList.find(before.getConditions(), OdooVpsConditions.NOTICES_DELIVERED)
            .isEmpty()) {
      return;
    }
    var c = new ConditionList(before.getConditions(), vps.getMetadata().getGeneration(), now);
    if (waiting.isEmpty()) {
      c.set(
          OdooVpsConditions.NOTICES_DELIVERED,
          true,
          "Delivered",
          "Every contract notice was delivered to the mail server.");
    } else {
      var first = waiting.get(0);
      c.set(
          OdooVpsConditions.NOTICES_DELIVERED,
          false,
          "Retrying",
          waiting.size()
              + " notice(s) not delivered yet, retried with backoff: "
              + first.notice()
              + " after "
              + (first.attempts() == null ? 0 : first.attempts())
              + " attempt(s)"
              + (first.lastError() == null ? "" : " (" + first.lastError() + ")")
              + ", next at "
              + first.nextAttemptAt());
    }
    add(status, c.build());
  }

  private static void carry(OdooVpsStatus before, OdooVpsStatus status, String... types) {
    var kept = new ArrayList<Condition>();
    for (var type : types) {
      ConditionList.find(before.getConditions(), type).ifPresent(kept::add);
    }
    add(status, kept);
  }

  private static void add(OdooVpsStatus status, List<Condition> conditions) {
    var all = new ArrayList<Condition>();
    for (var existing : status.getConditions()) {
      if (conditions.stream().noneMatch(c -> c.getType().equals(existing.getType()))) {
        all.add(existing);
      }
    }
    all.addAll(conditions);
    status.setConditions(all);
  }

  /** Whether {@code type} is a condition of this class (the builder leaves them alone). */
  static boolean owns(String type) {
    return OWN.contains(type);
  }
}
