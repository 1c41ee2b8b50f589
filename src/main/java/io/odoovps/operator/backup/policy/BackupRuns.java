package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.backup.BackupReport;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the finished runs of a backup or restore: a Job that completed or gave up, and the
 * termination messages its pods left (the run's report, or why it failed).
 */
public final class BackupRuns {

  private BackupRuns() {}

  /** A finished run: its Job, when it ended, and its report or failure. */
  public record Run(Job job, Instant finishedAt, BackupReport report, Failure failure) {
    public boolean succeeded() {
      return failure == null;
    }
  }

  /** The finished runs among {@code jobs}, oldest first. */
  public static List<Run> finished(Collection<Job> jobs, Collection<Pod> pods) {
    return jobs.stream()
        .map(job -> finished(job, pods))
        .flatMap(Optional::stream)
        .sorted(Comparator.comparing(Run::finishedAt))
        .toList();
  }

  static Optional<Run> finished(Job job, Collection<Pod> pods) {
    var status = job.getStatus();
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    var name = job.getMetadata().getName();
    var own =
        pods.stream()
            .filter(
                p ->
                    name.equals(p.getMetadata().getLabels().get("batch.kubernetes.io/job-name"))
                        || name.equals(p.getMetadata().getLabels().get("job-name")))
            .toList();
    var complete = condition(job, "Complete");
    if (complete.isPresent()) {
      var at = time(status.getCompletionTime(), complete.get());
      var report =
          own.stream()
              .filter(
                  p -> "Succeeded".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
              .map(BackupRuns::message)
              .flatMap(Optional::stream)
              .map(BackupRuns::parse)
              .flatMap(Optional::stream)
              .findFirst();
      if (report.isEmpty()) {
        return Optional.of(
            new Run(
                job,
                at,
                null,
                new Failure(
                    at.toString(),
                    name,
                    attempts(job),
                    "the run completed but left no readable report in its termination message")));
      }
      return Optional.of(new Run(job, at, report.get(), null));
    }
    var failed = condition(job, "Failed");
    if (failed.isPresent()) {
      var at = time(null, failed.get());
      var why =
          own.stream()
              .filter(p -> "Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
              .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
              .flatMap(BackupRuns::message)
              .orElse(null);
      var jobReason =
          Objects.requireNonNullElse(failed.get().getReason(), "Failed")
              + (failed.get().getMessage() == null ? "" : ": " + failed.get().getMessage());
      var reason = why == null ? jobReason : why.strip() + " (" + jobReason + ")";
      return Optional.of(
          new Run(job, at, null, new Failure(at.toString(), name, attempts(job), trim(reason))));
    }
    return Optional.empty();
  }

  private static Integer attempts(Job job) {
    var status = job.getStatus();
    int failed = status.getFailed() == null ? 0 : status.getFailed();
    int succeeded = status.getSucceeded() == null ? 0 : status.getSucceeded();
    return failed + succeeded;
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Instant time(String preferred, JobCondition condition) {
    var text = preferred != null ? preferred : condition.getLastTransitionTime();
    return text == null ? Instant.EPOCH : Instant.parse(text);
  }

  /** The termination message of the pod's container, if it left one. */
  static Optional<String> message(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(s -> s.getState() == null ? null : s.getState().getTerminated())
        .filter(Objects::nonNull)
        .map(
            t ->
                t.getMessage() != null && !t.getMessage().isBlank()
                    ? t.getMessage()
                    : t.getReason() == null
                        ? null
                        : t.getReason() + ", exit code " + t.getExitCode())
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static Optional<BackupReport> parse(String message) {
    try {
      return Optional.of(BackupReport.parse(message));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String trim(String text) {
    return text.length() <= 500 ? text : text.substring(0, 497) + "...";
  }
}
