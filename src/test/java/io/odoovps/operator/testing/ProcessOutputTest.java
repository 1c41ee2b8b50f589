package io.odoovps.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProcessOutputTest {

  @Test
  void keepsTheLastDebugLinesTheLibraryLogsOfEachProcessAndReportsThemWithTheMachine() {
    // the path kube-api-test's output takes: its slf4j loggers, at debug level
    var apiServer = LoggerFactory.getLogger(ProcessOutput.API_SERVER_LOGGER);
    var etcd = LoggerFactory.getLogger(ProcessOutput.ETCD_LOGGER);
    apiServer.debug("before the capture");
    try (var output = ProcessOutput.capture()) {
      for (int i = 1; i <= 100; i++) {
        apiServer.debug("E1205 apiserver line " + i);
      }
      etcd.debug("{\"level\":\"warn\",\"msg\":\"etcd line\"}");

      assertThat(output.lines("kube-apiserver"))
          .hasSize(60)
          .startsWith("E1205 apiserver line 41")
          .endsWith("E1205 apiserver line 100");
      assertThat(output.lines("etcd"))
          .containsExactly("{\"level\":\"warn\",\"msg\":\"etcd line\"}");
      assertThat(output.report())
          .contains("--- last 60 lines of kube-apiserver ---\nE1205 apiserver line 41\n")
          .contains("--- last 1 lines of etcd ---")
          .containsPattern("free in .*: \\d+ MiB")
          .containsPattern("running: \\d+ kube-apiserver, \\d+ etcd");
    }
    assertThat(java.util.logging.Logger.getLogger(ProcessOutput.API_SERVER_LOGGER).getHandlers())
        .isEmpty();
  }
}
