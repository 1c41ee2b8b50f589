package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The provider's files over plain HTTP on the machine's address, as a small provider's image server
 * would serve them: the guest image (`make guest-image`: target/guest/disk.qcow2), which the fill
 * Jobs download, and the stand-in Odoo's apt repository (target/guest/standin-repo/), from which
 * the guests install `odoo`. GET and HEAD of files only; nothing outside the folder.
 */
final class GuestFiles implements AutoCloseable {

  private final HttpServer server;
  private final String base;

  private GuestFiles(HttpServer server, String base) {
    this.server = server;
    this.base = base;
  }

  static GuestFiles serve(String host, Path folder) throws IOException {
    var root = folder.toRealPath();
    assertThat(root.resolve("disk.qcow2"))
        .as("the guest image: run make guest-image (make e2e does)")
        .exists();
    var server = HttpServer.create(new InetSocketAddress(host, 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            var file = file(root, exchange.getRequestURI().getPath());
            if (file == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            var head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : Files.size(file));
            if (!head) {
              Files.copy(file, exchange.getResponseBody());
            }
          }
        });
    server.start();
    return new GuestFiles(server, "http://" + host + ":" + server.getAddress().getPort() + "/");
  }

  /** The regular file under {@code root} that the request path names, or null. */
  private static Path file(Path root, String requestPath) throws IOException {
    var path = root.resolve(requestPath.substring(1)).normalize();
    if (!path.startsWith(root) || !Files.isRegularFile(path)) {
      return null;
    }
    return path.toRealPath();
  }

  String url(String path) {
    return base + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
