package io.odoovps.operator.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.NoticeStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The data-loss drill, notices: contract emails are delivered at least once, never twice, while the
 * mail server is down then back (GreenMail stopped, then started on the same port). The clock
 * moves; nothing sleeps. The identity check's 72 hours count from the email's delivery.
 */
class NoticeDeliveryDrillApiServerTest extends VpsOperatorTestBase {

  private static final String MAIL = "acme@customer.example";

  private long subjects(String contains) {
    return mailbox.receivedBy(MAIL).stream()
        .map(TestMailbox.Mail::subject)
        .filter(s -> s.contains(contains))
        .count();
  }

  private NoticeStatus notice(String kind) {
    var notices = vps("acme").getStatus().getNotices();
    return notices == null
        ? null
        : notices.stream().filter(n -> n.notice().equals(kind)).findFirst().orElse(null);
  }

  @Test
  void aSuspensionAndAResumptionWhileTheMailServerIsDownAreEachDeliveredExactlyOnceWhenItIsBack() {
    create(VpsFixtures.vps(namespace, "acme"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("acme") != null);
    mailbox.down();

    editSpec("acme", v -> v.getSpec().setSuspension(new SuspensionSpec("Spam relay")));
    awaitPhase("acme", VpsPhase.Suspended);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var suspended = notice("SUSPENDED");
              assertThat(suspended.sentAt()).isNull();
              assertThat(suspended.attempts()).isPositive();
              assertThat(suspended.lastError()).isNotBlank();
              assertThat(conditionReason(vps("acme"), "NoticesDelivered")).isEqualTo("Retrying");
            });
    assertThat(eventReasons("acme")).contains("NoticeNotSent");

    // resumed while the server is still down: both wait, retried with backoff
    editSpec("acme", v -> v.getSpec().setSuspension(null));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(notice("RESUMED").sentAt()).isNull());
    var attempts = notice("SUSPENDED").attempts();
    clock.advance(Duration.ofMinutes(5));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(notice("SUSPENDED").attempts()).isGreaterThan(attempts));
    assertThat(subjects("suspendu")).isZero();

    // the server is back: at the next attempt each notice goes out, once
    mailbox.up();
    clock.advance(Duration.ofHours(1));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(notice("SUSPENDED").sentAt()).isNotNull();
              assertThat(notice("RESUMED").sentAt()).isNotNull();
              assertThat(conditionReason(vps("acme"), "NoticesDelivered")).isEqualTo("Delivered");
            });
    clock.advance(Duration.ofHours(2));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(subjects("est suspendu")).as("the suspension notice, exactly once").isEqualTo(1);
    assertThat(subjects("de nouveau")).as("the resumption notice, exactly once").isEqualTo(1);

    // a restart of the operator sends nothing again
    operator.close();
    operator = newOperator();
    clock.advance(Duration.ofMinutes(10));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(subjects("est suspendu")).isEqualTo(1);
    assertThat(subjects("de nouveau")).isEqualTo(1);
  }

  @Test
  void theIdentityDeadlineCountsFromTheEmailThatToldTheCustomer() {
    create(VpsFixtures.vps(namespace, "acme"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("acme") != null);
    mailbox.down();
    editSpec(
        "acme",
        v -> v.getSpec().setIdentityCheck(new IdentityCheckSpec("2026-03-01T10:00:00Z", false)));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(notice("IDENTITY_REQUESTED").lastError()).isNotBlank());
    assertThat(vps("acme").getStatus().getIdentityDeadline())
        .as("no deadline while the customer was not told")
        .isNull();

    // 80 hours later the email still did not go: the VPS is not suspended for it
    clock.advance(Duration.ofHours(80));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("acme").getStatus().getPhase()).isNotEqualTo(VpsPhase.Suspended);

    // delivered now: 72 hours from now, written in the email
    mailbox.up();
    clock.advance(Duration.ofHours(1));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(vps("acme").getStatus().getIdentityDeadline())
                    .isEqualTo("2026-03-07T19:00:00Z"));
    assertThat(mailbox.receivedBy(MAIL))
        .filteredOn(m -> m.body().contains("2026-03-07T19:00:00Z"))
        .hasSize(1);
    clock.advance(Duration.ofHours(71));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("acme").getStatus().getPhase()).isNotEqualTo(VpsPhase.Suspended);
    clock.advance(Duration.ofHours(2));
    awaitPhase("acme", VpsPhase.Suspended);
  }
}
