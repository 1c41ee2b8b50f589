package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.backup.BackupCommand;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.disk.FillDiskCommand;
import io.odoovps.operator.disk.GrowDiskCommand;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.vps.DiskClaimDesign;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet for the pods of backup, restore, disk-fill and disk-growth Jobs, which the test
 * control plane cannot run (it has no nodes): it reads a pod as the API server stored it, after
 * kube-controller-manager made it from the Job, resolves its environment as the kubelet would
 * (values, `secretKeyRef`, `fieldRef`), maps its volumes to directories, runs the container's
 * arguments through the real backup command in-process, and reports the exit code and termination
 * message in the pod's status, from which the Job controller finishes the Job. Nothing in the pod
 * spec is trusted beyond what a kubelet would use, so a wrong env reference or argument fails the
 * run. A test may hold pods unstarted, or kill one at a given point of its run ({@link
 * #killWhenPrinted}).
 */
public final class TestKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final BackupCommand.Methods methods;
  private final Map<String, Path> claims = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final List<Run> runs = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Path scratch;

  /** One pod run: its name, arguments, exit code and what it printed on stderr. */
  public record Run(String pod, List<String> args, int exitCode, String stderr, String report) {
    /** Whether the kubelet killed it (exit code 137, as SIGKILL leaves it). */
    public boolean killed() {
      return exitCode == KILLED;
    }
  }

  /** The exit code of a container killed by SIGKILL. */
  public static final int KILLED = 137;

  /** Pods whose name starts with one of these wait, unstarted, until released. */
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  /** Kills to come: pods whose name starts with the prefix, when they print the fragment. */
  private final List<Kill> kills = new CopyOnWriteArrayList<>();

  private record Kill(
      String podPrefix, String fragment, java.util.concurrent.atomic.AtomicInteger left) {}

  /** Thrown into the pod's command where it prints: nothing after it runs but finally blocks. */
  private static final class PodKilled extends Error {
    PodKilled() {
      super("killed by the test kubelet", null, false, false);
    }
  }

  /** The pods it runs: those of backup, restore and disk-fill Jobs. */
  private static final String POD_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR
          + ","
          + VpsLabels.COMPONENT
          + " in (backup,restore,"
          + DiskClaimDesign.FILL_COMPONENT
          + ","
          + DiskClaimDesign.GROW_COMPONENT
          + ")";

  public TestKubelet(
      KubernetesClient client, String namespace, Clock clock, BackupCommand.Methods methods) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.methods = methods;
    try {
      scratch = Files.createTempDirectory("kubelet");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loop.scheduleWithFixedDelay(this::tick, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** A kubelet for the pods of restore and disk Jobs: a backup's method is never asked for. */
  public static TestKubelet withoutBackups(KubernetesClient client, String namespace, Clock clock) {
    return new TestKubelet(
        client,
        namespace,
        clock,
        (method, timeout, env) -> {
          throw new AssertionError("no backup runs in this test");
        });
  }

  /** The directory that backs a PersistentVolumeClaim when a pod mounts it. */
  public Path claim(String name) {
    return claims.computeIfAbsent(
        name,
        n -> {
          try {
            return Files.createDirectories(scratch.resolve("pvc-" + n));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  public List<Run> runs() {
    return List.copyOf(runs);
  }

  /** The runs of pods whose name starts with {@code prefix}. */
  public List<Run> runs(String prefix) {
    return runs.stream().filter(r -> r.pod().startsWith(prefix)).toList();
  }

  /** Leaves the pods whose name starts with {@code prefix} unstarted (Pending) until released. */
  public void hold(String prefix) {
    held.add(prefix);
  }

  public void release(String prefix) {
    held.remove(prefix);
  }

  /**
   * Kills the next {@code times} pods whose name starts with {@code prefix} as soon as their
   * command prints a line containing {@code fragment}, as a node that dies or an OOM kill would:
   * the command stops there (whatever it wrote stays written), the container ends with exit code
   * 137 and no report.
   */
  public void killWhenPrinted(String prefix, String fragment, int times) {
    kills.add(new Kill(prefix, fragment, new java.util.concurrent.atomic.AtomicInteger(times)));
  }

  /** The stderr of a pod: kills it at a line a {@link #killWhenPrinted} names. */
  private OutputStream stderrOf(String pod, ByteArrayOutputStream err) {
    return new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        err.write(b);
        if (b != '\n') {
          line.write(b);
          return;
        }
        var text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        for (var kill : kills) {
          if (pod.startsWith(kill.podPrefix())
              && text.contains(kill.fragment())
              && kill.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new PodKilled();
          }
        }
      }
    };
  }

  private void tick() {
    try {
      for (var pod :
          client.pods().inNamespace(namespace).withLabelSelector(POD_SELECTOR).list().getItems()) {
        if (pod.getStatus() != null
            && pod.getStatus().getPhase() != null
            && !"Pending".equals(pod.getStatus().getPhase())) {
          continue;
        }
        if (held.stream().anyMatch(p -> pod.getMetadata().getName().startsWith(p))) {
          continue;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null
            || !seen.add(pod.getMetadata().getUid())) {
          continue;
        }
        run(pod);
      }
    } catch (RuntimeException e) {
      // the next tick retries; the test's assertions say what went wrong
    }
  }

  private void run(Pod pod) {
    var container = pod.getSpec().getContainers().get(0);
    var env = new HashMap<String, String>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), resolve(pod, var));
    }
    var mounts = new HashMap<String, Path>();
    for (var mount : container.getVolumeMounts()) {
      var volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      Path dir;
      if (volume.getPersistentVolumeClaim() != null) {
        dir = claim(volume.getPersistentVolumeClaim().getClaimName());
      } else {
        dir = claim(pod.getMetadata().getName() + "-" + volume.getName());
      }
      mounts.put(mount.getMountPath(), dir);
    }
    var report = scratch.resolve(pod.getMetadata().getName() + ".termination-log");
    var args = new ArrayList<String>();
    for (var arg : container.getArgs()) {
      if (arg.equals(
          container.getTerminationMessagePath() == null
              ? BackupJobDesign.REPORT_PATH
              : container.getTerminationMessagePath())) {
        args.add(report.toString());
        continue;
      }
      var mapped = arg;
      for (var mount : mounts.entrySet()) {
        if (arg.startsWith(mount.getKey() + "/")) {
          mapped = mount.getValue().resolve(arg.substring(mount.getKey().length() + 1)).toString();
        }
      }
      args.add(mapped);
    }
    var started = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
    var err = new ByteArrayOutputStream();
    int code;
    try (var stderr =
            new PrintStream(
                stderrOf(pod.getMetadata().getName(), err), true, StandardCharsets.UTF_8);
        var stdout = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
      code =
          FillDiskCommand.COMMAND.equals(args.get(0))
              ? FillDiskCommand.run(args.toArray(String[]::new), stdout, stderr)
              : GrowDiskCommand.COMMAND.equals(args.get(0))
                  ? GrowDiskCommand.run(args.toArray(String[]::new), stdout, stderr)
                  : BackupCommand.run(
                      args.toArray(String[]::new),
                      env,
                      new ByteArrayInputStream(new byte[0]),
                      stdout,
                      stderr,
                      clock,
                      methods);
    } catch (PodKilled killed) {
      code = KILLED;
    }
    String message;
    try {
      // a killed container writes no report; the kubelet falls back to the log
      message = code != KILLED && Files.exists(report) ? Files.readString(report) : "";
    } catch (IOException e) {
      message = "";
    }
    var stderrText = err.toString(StandardCharsets.UTF_8);
    if (message.isBlank()) {
      message = stderrText; // terminationMessagePolicy FallbackToLogsOnError
    }
    runs.add(new Run(pod.getMetadata().getName(), List.copyOf(args), code, stderrText, message));
    var finished = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
    var status =
        new PodStatusBuilder()
            .withPhase(code == 0 ? "Succeeded" : "Failed")
            .withStartTime(started)
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(container.getName())
                    .withImage(container.getImage())
                    .withImageID("test-kubelet://" + container.getImage())
                    .withReady(false)
                    .withRestartCount(0)
                    .withState(
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(code)
                            .withReason(code == 0 ? "Completed" : "Error")
                            .withMessage(message)
                            .withStartedAt(started)
                            .withFinishedAt(finished)
                            .endTerminated()
                            .build())
                    .build())
            .build();
    var fresh = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    fresh.setStatus(status);
    client.pods().inNamespace(namespace).resource(fresh).updateStatus();
  }

  private String resolve(Pod pod, EnvVar var) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    var from = var.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      var secret =
          client.secrets().inNamespace(namespace).withName(from.getSecretKeyRef().getName()).get();
      if (secret == null || secret.getData() == null) {
        throw new IllegalStateException("CreateContainerConfigError: no secret");
      }
      var value = secret.getData().get(from.getSecretKeyRef().getKey());
      return value == null
          ? null
          : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }
    if (from.getFieldRef() != null
        && "metadata.namespace".equals(from.getFieldRef().getFieldPath())) {
      return pod.getMetadata().getNamespace();
    }
    throw new IllegalStateException("unsupported env source in " + var.getName());
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
