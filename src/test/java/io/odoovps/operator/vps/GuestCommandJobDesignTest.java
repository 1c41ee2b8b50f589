package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Job of a guest command: ssh with the VPS's key, to its Service, once, without credentials.
 */
class GuestCommandJobDesignTest {

  private final GuestCommandJobDesign design = new GuestCommandJobDesign(TestConfig.defaults());

  @Test
  void itRunsSshWithTheVpsKeyToItsServiceAndTheRequestAsTheCommand() {
    var vps = VpsFixtures.vps("shop", "alpha");
    vps.getMetadata().setUid("uid-1");
    var job =
        design.job(
            vps,
            new GuestCommands.Command(
                GuestCommands.Kind.UPGRADE, "alpha-upgrade-18-0", List.of("upgrade-odoo", "18.0")));
    assertThat(job.getMetadata().getName()).isEqualTo("alpha-upgrade-18-0");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(GuestCommandJobDesign.REQUEST, "upgrade-odoo 18.0");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    var spec = job.getSpec();
    assertThat(spec.getBackoffLimit()).as("an upgrade is not replayed").isZero();
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(1800L);
    var pod = spec.getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
    var container = pod.getContainers().get(0);
    assertThat(container.getCommand()).containsExactly("ssh");
    assertThat(container.getArgs())
        .containsSequence("-i", "/var/run/odoovps/guest-key/ssh-privatekey")
        .contains("BatchMode=yes")
        .endsWith("root@alpha.shop.svc", "upgrade-odoo", "18.0");
    assertThat(pod.getVolumes().get(0).getSecret().getSecretName())
        .isEqualTo("alpha-guest-command-key");
  }

  @Test
  void itsPodIsNotSelectedByTheVpsServiceOrPolicies() {
    var vps = VpsFixtures.vps("shop", "alpha");
    var job =
        design.job(
            vps,
            new GuestCommands.Command(
                GuestCommands.Kind.UPDATES, "alpha-updates-1", List.of("maintenance")));
    var labels = job.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(labels).doesNotContainKey(VpsLabels.VPS);
    assertThat(labels).containsAllEntriesOf(VpsLabels.guestCommandPods("alpha"));
    // the Job itself is found by the VPS's label and its component
    assertThat(job.getMetadata().getLabels())
        .containsEntry(VpsLabels.VPS, "alpha")
        .containsEntry(VpsLabels.COMPONENT, "guest-command");
  }
}
