package io.odoovps.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.DateTimeException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API server refuses a spec date-time the operator could not parse ({@link DateTimeRule}), in
 * every spec field that holds one, with a message naming the field; and whatever it accepts, the
 * operator's parser reads.
 */
class DateTimeRuleApiServerTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "dates");
  }

  @AfterAll
  static void tearDown() {
    client.close();
  }

  /** A spec field holding a date-time, and how to build a resource with a value in it. */
  record Field(String path, BiFunction<String, String, HasMetadata> withValue) {
    @Override
    public String toString() {
      return path;
    }
  }

  static Stream<Field> fields() {
    return Stream.of(
        new Field(
            "spec.billing.start",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec()
                  .setBilling(new BillingSpec(BillingSpec.BillingMode.Subscription, value, null));
              return vps;
            }),
        new Field(
            "spec.billing.end",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec()
                  .setBilling(
                      new BillingSpec(
                          BillingSpec.BillingMode.FixedTerm, "2026-01-15T09:00:00Z", value));
              return vps;
            }),
        new Field(
            "spec.identityCheck.requestedAt",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec().setIdentityCheck(new IdentityCheckSpec(value, false));
              return vps;
            }),
        new Field(
            "spec.maintenance.requestedAt",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec().setMaintenance(new MaintenanceSpec(value, null, "kernel update"));
              return vps;
            }),
        new Field(
            "spec.maintenance.notBefore",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec()
                  .setMaintenance(
                      new MaintenanceSpec("2026-01-20T09:00:00Z", value, "kernel update"));
              return vps;
            }),
        new Field(
            "spec.plan.paidAt",
            (name, value) -> {
              var vps = VpsFixtures.vps(namespace, name);
              vps.getSpec().getPlan().setPaidAt(value);
              return vps;
            }),
        new Field(
            "spec.work[].at",
            (name, value) -> {
              var ticket = new SupportTicket();
              ticket.setMetadata(
                  new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
              var spec = new SupportTicketSpec();
              spec.setVps("shop");
              spec.setSummary("Restarted Odoo");
              spec.setWork(List.of(new SupportTicketSpec.Work(12, value, "alice", null)));
              ticket.setSpec(spec);
              return ticket;
            }));
  }

  private static String nextName() {
    return "d" + SEQUENCE.incrementAndGet();
  }

  private static void accepted(HasMetadata resource) {
    assertThat(client.resource(resource).create().getMetadata().getUid()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void anImpossibleDayIsRefusedNamingTheFieldAndTheSameFieldAcceptsARealOne(Field field) {
    accepted(field.withValue().apply(nextName(), "2028-02-29T00:00:00Z"));

    assertThatThrownBy(
            () ->
                client
                    .resource(field.withValue().apply(nextName(), "2026-02-30T00:00:00Z"))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            field.path() + " must be an RFC 3339 date-time on a day the calendar");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void wordsAreRefusedNamingTheField(Field field) {
    assertThatThrownBy(
            () -> client.resource(field.withValue().apply(nextName(), "yesterday")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(field.path() + " must be an RFC 3339 date-time");
  }

  /** Every value the API server accepts, the operator parses (Timestamps, as the rules use it). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-02-29T00:00:00Z",
        "2000-02-29T12:00:00Z",
        "2026-04-30T23:59:59Z",
        "2026-12-31T23:59:59.123456789Z",
        "2026-01-15T10:00:00.5+01:00",
        "2026-01-15T10:00:00+05:30",
        "2026-01-15T10:00:00+18:00",
        "2026-01-15T10:00:00-18:00",
        "1970-01-01T00:00:00Z"
      })
  void aRealDateTimeIsAcceptedAndTheOperatorParsesIt(String value) {
    accepted(identityCheckAt(value));
    assertThat(Timestamps.parse(value)).isNotNull();
  }

  /** The calendar's edges, hours, offsets and shapes the operator's parser refuses. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-06-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z",
        "2026-12-31T23:59:60Z",
        "2026-01-01T00:00:00+18:30",
        "2026-01-01T00:00:00+99:99",
        "2026-01-01T00:00:00",
        "2026-01-01",
        "2026-01-01T00:00:00.1234567890Z"
      })
  void anImpossibleDateTimeIsRefusedAsTheOperatorWouldFailOnIt(String value) {
    assertThatThrownBy(() -> Timestamps.parse(value)).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> client.resource(identityCheckAt(value)).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.identityCheck.requestedAt must be an RFC 3339 date-time");
  }

  /** Stricter than Java where CEL's timestamp() is: a lower-case t, a year before 1000. */
  @ParameterizedTest
  @ValueSource(strings = {"2026-01-01t00:00:00z", "0999-01-01T00:00:00Z"})
  void shapesCelCannotCompareAreRefusedToo(String value) {
    assertThatThrownBy(() -> client.resource(identityCheckAt(value)).create())
        .hasMessageContaining("spec.identityCheck.requestedAt must be an RFC 3339 date-time");
  }

  private static HasMetadata identityCheckAt(String value) {
    var vps = VpsFixtures.vps(namespace, nextName());
    vps.getSpec().setIdentityCheck(new IdentityCheckSpec(value, false));
    return vps;
  }

  @Test
  void anImpossibleEndIsRefusedForItselfWithoutAConversionErrorFromTheOrderRule() {
    var vps = VpsFixtures.vps(namespace, nextName());
    vps.getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm, "2026-01-15T09:00:00Z", "2026-02-30T00:00:00Z"));
    assertThatThrownBy(() -> client.resource(vps).create())
        .hasMessageContaining("spec.billing.end must be an RFC 3339 date-time")
        .hasMessageNotContaining("type conversion error")
        .hasMessageNotContaining("spec.billing.end must be after spec.billing.start");

    var backwards = VpsFixtures.vps(namespace, nextName());
    backwards
        .getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm, "2026-01-15T09:00:00Z", "2026-01-15T08:00:00Z"));
    assertThatThrownBy(() -> client.resource(backwards).create())
        .hasMessageContaining("spec.billing.end must be after spec.billing.start");

    var sameInstantLater = VpsFixtures.vps(namespace, nextName());
    sameInstantLater
        .getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm,
                "2026-01-15T09:00:00Z",
                "2026-01-15T10:00:01+01:00"));
    accepted(sameInstantLater);
  }

  // --- a restore's backupId is a time too ---

  private static OdooVpsRestore restoreOf(String backupId) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new ObjectMetaBuilder().withName(nextName()).withNamespace(namespace).build());
    restore.setSpec(new OdooVpsRestoreSpec("shop", backupId, null));
    return restore;
  }

  @Test
  void aBackupIdOnAnImpossibleDayIsRefusedAndARealOneAccepted() {
    accepted(restoreOf("20240229T021700Z"));
    accepted(restoreOf("20261231T235959Z"));

    for (var impossible : List.of("20260230T021700Z", "20260101T250000Z", "20260101T006000Z")) {
      assertThatThrownBy(() -> client.resource(restoreOf(impossible)).create())
          .as(impossible)
          .hasMessageContaining("spec.backupId must be a backup's UTC time");
    }
    assertThatThrownBy(() -> client.resource(restoreOf("2026-03-01")).create())
        .hasMessageContaining("spec.backupId");
  }
}
