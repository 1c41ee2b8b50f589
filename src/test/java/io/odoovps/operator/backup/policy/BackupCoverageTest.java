package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.policy;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.vps;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which VPSs a policy backs up, refuses (article 3: off-site) or leaves out, as a table. */
class BackupCoverageTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                    | location | tier   | selector tier | locations       | termination   | expected
          every VPS by default                      | paris-1  | -      | -             | -               | -             | covered
          in the bucket's datacenter: refused       | lyon-1   | -      | -             | -               | -             | refused
          selected by label                         | paris-1  | gold   | gold          | -               | -             | covered
          another label: left out                   | paris-1  | silver | gold          | -               | -             | out
          no label while the selector asks one      | paris-1  | -      | gold          | -               | -             | out
          in a listed location                      | paris-1  | -      | -             | paris-1,rome-1  | -             | covered
          outside the listed locations              | berlin-1 | -      | -             | paris-1,rome-1  | -             | out
          refused even when listed                  | lyon-1   | -      | -             | lyon-1          | -             | refused
          termination asked in the spec: left out   | paris-1  | -      | -             | -               | spec          | out
          termination started in the status         | paris-1  | -      | -             | -               | status        | out
          """)
  void coverage(
      String name,
      String location,
      String tier,
      String selectorTier,
      String locations,
      String termination,
      String expected) {
    var policy = policy("daily");
    if (selectorTier != null) {
      policy
          .getSpec()
          .setVpsSelector(
              new LabelSelectorBuilder().addToMatchLabels("tier", selectorTier).build());
    }
    if (locations != null) {
      policy.getSpec().setLocations(List.of(locations.split(",")));
    }
    var vps = vps("acme", location, tier == null ? Map.of() : Map.of("tier", tier));
    if ("spec".equals(termination)) {
      vps.getSpec().setTermination(new TerminationSpec("acme"));
    }
    if ("status".equals(termination)) {
      var status = new OdooVpsStatus();
      status.setTermination(new TerminationStatus("Requested", "2026-03-01T00:00:00Z", null, null));
      vps.setStatus(status);
    }

    var coverage = BackupCoverage.of(policy.getSpec(), List.of(vps));

    assertThat(coverage.covered().isEmpty() ? "-" : "covered")
        .isEqualTo(expected.equals("covered") ? "covered" : "-");
    assertThat(coverage.refused().stream().map(Refusal::name))
        .containsExactlyElementsOf(expected.equals("refused") ? List.of("acme") : List.of());
  }

  @Test
  void theCoveredAreSortedByNameAndARefusalSaysWhy() {
    var coverage =
        BackupCoverage.of(
            policy("daily").getSpec(),
            List.of(vps("zeta"), vps("alpha"), vps("home", "lyon-1", Map.of())));

    assertThat(coverage.covered())
        .extracting(v -> v.getMetadata().getName())
        .containsExactly("alpha", "zeta");
    assertThat(coverage.names()).containsExactlyInAnyOrder("alpha", "zeta");
    assertThat(coverage.refused().get(0).reason())
        .isEqualTo(
            "spec.target.location lyon-1 is the VPS's own datacenter: the contract (article 3)"
                + " keeps backups in another datacenter");
  }

  private static BackupPolicy covering(String name, String endpoint, String bucket, String vps) {
    var other = BackupPolicyUnitFixtures.policy(name);
    other.getSpec().getTarget().setEndpoint(endpoint);
    other.getSpec().getTarget().setBucket(bucket);
    other.setStatus(
        new BackupPolicyStatus(
            1L,
            null,
            1,
            0,
            null,
            null,
            null,
            List.of(
                entry(vps, vps == null ? null : "x", null, null, null, null, null),
                entry("gone", null, null, null, "2026-03-01T00:00:00Z", null, null)),
            null,
            null));
    return other;
  }

  @Test
  void anotherPolicyCoversAVpsWhenItsRecordOfItHasACronJob() {
    var b = covering("b", "https://s3.lyon", "b", "acme");
    var a = covering("a", "https://s3.rome", "r", "acme");
    var none = covering("c", "https://s3.lyon", "b", null);

    var records = BackupPolicyUnitFixtures.records(List.of(b, none, a));

    assertThat(BackupCoverage.coveringElsewhere(List.of(b, none, a), records, "acme")).contains(a);
    assertThat(BackupCoverage.coveringElsewhere(List.of(b, none), records, "gone")).isEmpty();
    assertThat(BackupCoverage.coveringElsewhere(List.of(), records, "acme")).isEmpty();
    // a policy's status lists nothing now: without its records it covers nothing
    assertThat(BackupCoverage.coveringElsewhere(List.of(b, none, a), List.of(), "acme")).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}: same bucket {2}")
  @CsvSource({
    "https://s3.lyon, b, true",
    "https://s3.lyon, other, false",
    "https://s3.rome, b, false",
  })
  void sameBucketIsTheSameEndpointAndBucket(String endpoint, String bucket, boolean same) {
    assertThat(
            BackupCoverage.sameBucket(policy("daily"), covering("other", endpoint, bucket, "acme")))
        .isEqualTo(same);
  }
}
