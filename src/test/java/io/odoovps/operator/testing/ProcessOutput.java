package io.odoovps.operator.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The last lines kube-apiserver and etcd printed while kube-api-test started them. The library
 * hands their output to its loggers at debug level only; this keeps the tail of it, without
 * printing it, so that a start that fails can say why.
 */
final class ProcessOutput implements AutoCloseable {

  static final String API_SERVER_LOGGER =
      "io.fabric8.kubeapitest.process.KubeAPIServerProcess.APIServerProcessLogs";
  static final String ETCD_LOGGER = "io.fabric8.kubeapitest.process.EtcdProcess.EtcdProcessLogs";

  private static final int KEPT = 60;

  private final List<Tail> tails = new ArrayList<>();

  private ProcessOutput() {}

  static ProcessOutput capture() {
    var output = new ProcessOutput();
    output.tails.add(new Tail("kube-apiserver", Logger.getLogger(API_SERVER_LOGGER)));
    output.tails.add(new Tail("etcd", Logger.getLogger(ETCD_LOGGER)));
    return output;
  }

  /** The lines kept of one process. */
  List<String> lines(String process) {
    return tails.stream()
        .filter(t -> t.process.equals(process))
        .findFirst()
        .map(Tail::lines)
        .orElse(List.of());
  }

  /** The processes' last lines and the machine's state: what a failed start is reported with. */
  String report() {
    var out = new StringBuilder();
    for (var tail : tails) {
      var lines = tail.lines();
      out.append("--- last ").append(lines.size()).append(" lines of ").append(tail.process);
      out.append(" ---\n");
      lines.forEach(l -> out.append(l).append('\n'));
    }
    var tmp = new File(System.getProperty("java.io.tmpdir"));
    out.append("--- machine ---\n")
        .append("free in ")
        .append(tmp)
        .append(": ")
        .append(tmp.getUsableSpace() / (1024 * 1024))
        .append(" MiB\n")
        .append(firstLine(Path.of("/proc/loadavg"), "load "))
        .append(meminfo("MemAvailable"))
        .append("running: ")
        .append(running("kube-apiserver"))
        .append(" kube-apiserver, ")
        .append(running("etcd"))
        .append(" etcd, ")
        .append(running("kube-controller-manager"))
        .append(" kube-controller-manager\n");
    return out.toString();
  }

  private static String firstLine(Path file, String label) {
    try {
      return label + Files.readAllLines(file).get(0) + "\n";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String meminfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith(key + ":"))
              .findFirst()
              .orElse("")
          + "\n";
    } catch (IOException e) {
      return "";
    }
  }

  private static long running(String name) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
        .count();
  }

  @Override
  public void close() {
    tails.forEach(Tail::close);
  }

  /** A handler on one of the library's process loggers, at debug level, kept to its last lines. */
  private static final class Tail extends Handler {
    private final String process;
    private final Logger logger;
    private final Level previous;
    private final boolean parentHandlers;
    private final Deque<String> lines = new ArrayDeque<>();

    Tail(String process, Logger logger) {
      this.process = process;
      this.logger = logger;
      this.previous = logger.getLevel();
      this.parentHandlers = logger.getUseParentHandlers();
      setLevel(Level.ALL);
      logger.setLevel(Level.FINE);
      logger.setUseParentHandlers(false); // kept here, not printed
      logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
      lines.addLast(String.valueOf(record.getMessage()));
      while (lines.size() > KEPT) {
        lines.removeFirst();
      }
    }

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setLevel(previous);
      logger.setUseParentHandlers(parentHandlers);
    }
  }
}
