package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job that runs one {@link GuestCommands.Command} in the guest: {@code ssh} with the VPS's own
 * command key ({@link GuestCommandKey}) to root at the VPS's Service, where the guest's forced
 * command runs the requested script and nothing else. No Kubernetes credentials, no retry of a
 * command that ran (an upgrade is not replayed blindly), 30 minutes at most, kept a week for its
 * log.
 */
final class GuestCommandJobDesign {

  /** The component label of guest-command Jobs and their pods (the network policies admit them). */
  static final String COMPONENT = VpsLabels.GUEST_COMMAND;

  /** The annotation that holds the request, for {@code kubectl get jobs -o wide} readers. */
  static final String REQUEST = "odoovps.io/guest-command";

  static final String KEY_MOUNT = "/var/run/odoovps/guest-key";
  static final long ACTIVE_DEADLINE_SECONDS = 1800;
  static final int KEPT_SECONDS = 7 * 24 * 3600;

  /** The uid the operator image runs as (its /etc/passwd names it, which ssh needs). */
  static final long IMAGE_UID = 185;

  private final OperatorConfig config;

  GuestCommandJobDesign(OperatorConfig config) {
    this.config = config;
  }

  Job job(OdooVps vps, GuestCommands.Command command) {
    var name = vps.getMetadata().getName();
    var labels = new HashMap<>(VpsLabels.of(vps));
    labels.put(VpsLabels.COMPONENT, COMPONENT);
    var backup = config.backup();
    var args =
        new ArrayList<>(sshArguments(name + "." + vps.getMetadata().getNamespace() + ".svc"));
    args.addAll(command.request());
    var container =
        BackupJobDesign.jobContainer(
                "guest-command", backup.image(), backup.imagePullPolicy(), "128Mi")
            .withCommand("ssh")
            .withArgs(args)
            .withVolumeMounts(
                new VolumeMountBuilder()
                    .withName("key")
                    .withMountPath(KEY_MOUNT)
                    .withReadOnly(true)
                    .build())
            .build();
    return new JobBuilder()
        .withMetadata(BackupJobDesign.meta(command.job(), vps, labels))
        .editMetadata()
        .withAnnotations(Map.of(REQUEST, String.join(" ", command.request())))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(ACTIVE_DEADLINE_SECONDS)
        .withTtlSecondsAfterFinished(KEPT_SECONDS)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(VpsLabels.guestCommandPods(name))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withContainers(container)
        .withVolumes(
            new VolumeBuilder()
                .withName("key")
                .withNewSecret()
                .withSecretName(GuestDesign.commandKeySecretName(vps))
                .withDefaultMode(0440)
                .endSecret()
                .build())
        .withSecurityContext(BackupJobDesign.jobPodSecurity(IMAGE_UID))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * ssh without a terminal or prompts; the guest's host key is not pinned (it is made at its first
   * boot and nothing hands it to the operator yet), the connection is retried three times.
   */
  static List<String> sshArguments(String host) {
    return List.of(
        "-i",
        KEY_MOUNT + "/" + GuestDesign.PRIVATE_KEY_KEY,
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=20",
        "-o",
        "ConnectionAttempts=3",
        "-o",
        "ServerAliveInterval=30",
        "-T",
        "root@" + host);
  }
}
