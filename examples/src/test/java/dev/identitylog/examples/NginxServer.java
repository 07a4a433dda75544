package dev.identitylog.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real NGINX, run as a child process, serving the published layer configuration of {@code
 * docs/layers/nginx} unchanged: the generated {@code nginx.conf} only {@code include}s those
 * files by absolute path, and {@code identity-log.js} is reached through a symbolic link named
 * {@code identity-log} next to it, the layout the README's install gives under {@code
 * /etc/nginx}.
 *
 * <p>Two TLS servers in one process, both proxying to the same backend: one with {@code
 * ssl_verify_client on} (the configuration the layer's authn maps assume), one with {@code
 * optional}, for a request without a certificate that still reaches the backend. Both write to
 * one access log with the layer's {@code identity_json} format.
 *
 * <p>NGINX runs in the foreground with {@code master_process off}: one process, no switch to
 * another user, so it works the same as root and as an ordinary user, and stopping it is one
 * signal to one process.
 */
final class NginxServer {
  /** Where Debian's libnginx-mod-http-js puts the njs module. */
  static final Path JS_MODULE = Path.of("/usr/lib/nginx/modules/ngx_http_js_module.so");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** With or without the njs module: the two variants the layer publishes. */
  enum Variant {
    NJS("identity-log-njs.conf"),
    NO_NJS("identity-log-no-njs.conf");

    final String conf;

    Variant(String conf) {
      this.conf = conf;
    }

    @Override
    public String toString() {
      return this == NJS ? "njs" : "no-njs";
    }
  }

  /** The files NGINX's TLS needs: its certificate chain and key, and the client CA. */
  static final class Tls {
    final Path certificateChain;
    final Path privateKey;
    final Path clientCa;

    Tls(Path certificateChain, Path privateKey, Path clientCa) {
      this.certificateChain = certificateChain;
      this.privateKey = privateKey;
      this.clientCa = clientCa;
    }
  }

  private final Variant variant;
  private final Path dir;
  private final Process process;
  private final Path accessLog;
  private final Path errorLog;
  private final int verifyingPort;
  private final int optionalPort;

  private NginxServer(Variant variant, Path dir, Process process, Path accessLog, Path errorLog,
      int verifyingPort, int optionalPort) {
    this.variant = variant;
    this.dir = dir;
    this.process = process;
    this.accessLog = accessLog;
    this.errorLog = errorLog;
    this.verifyingPort = verifyingPort;
    this.optionalPort = optionalPort;
  }

  /** The nginx executable: on the PATH, else where distributions install it; null when absent. */
  static Path binary() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "nginx"));
        }
      }
    }
    // /usr/sbin is often missing from an ordinary user's PATH.
    candidates.add(Path.of("/usr/sbin/nginx"));
    candidates.add(Path.of("/usr/local/sbin/nginx"));
    candidates.add(Path.of("/usr/local/nginx/sbin/nginx"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** {@code docs/layers/nginx} of this source tree, found upward from the working directory. */
  static Path layerDirectory() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path layer = dir.resolve("docs/layers/nginx");
      if (Files.isRegularFile(layer.resolve("identity-log.conf"))) {
        return layer;
      }
    }
    throw new IllegalStateException(
        "docs/layers/nginx not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Writes {@code nginx.conf} into {@code dir} and starts NGINX on two free ports of 127.0.0.1,
   * proxying to {@code 127.0.0.1:backendPort}; returns once both ports accept connections.
   */
  static NginxServer start(Path nginx, Variant variant, Path layer, Path dir, Tls tls,
      int backendPort) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("temp"));
    Path accessLog = dir.resolve("identity.log");
    IOException last = null;
    // A free port can be taken by someone else between finding it and NGINX binding it.
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path link = dir.resolve("identity-log");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, layer.toAbsolutePath());
      int verifying = freePort();
      int optional = freePort();
      while (optional == verifying) {
        optional = freePort();
      }
      Files.writeString(dir.resolve("nginx.conf"),
          conf(variant, layer.toAbsolutePath(), tls, accessLog, verifying, optional, backendPort),
          StandardCharsets.UTF_8);
      Path errorLog = dir.resolve("error-" + attempt + ".log");
      ProcessBuilder pb = new ProcessBuilder(nginx.toString(),
          "-p", dir.toAbsolutePath() + "/",
          "-c", dir.resolve("nginx.conf").toAbsolutePath().toString(),
          "-g", "daemon off; error_log stderr info; pid "
              + dir.resolve("nginx.pid").toAbsolutePath() + ";");
      // The layer's timestamp has milliseconds only when NGINX runs in UTC.
      pb.environment().put("TZ", "UTC");
      pb.redirectErrorStream(true);
      pb.redirectOutput(errorLog.toFile());
      Process process = pb.start();
      NginxServer server =
          new NginxServer(variant, dir, process, accessLog, errorLog, verifying, optional);
      try {
        server.awaitPorts();
        return server;
      } catch (IOException e) {
        server.stop();
        last = e;
        if (!server.errorLog().contains("Address already in use")) {
          break;
        }
      }
    }
    throw last;
  }

  static String conf(Variant variant, Path layer, Tls tls, Path accessLog, int verifyingPort,
      int optionalPort, int backendPort) {
    StringBuilder c = new StringBuilder();
    if (variant == Variant.NJS) {
      // load_module is allowed only at the top of the main configuration file.
      c.append("load_module ").append(JS_MODULE).append(";\n");
    }
    c.append("master_process off;\n");
    c.append("events { worker_connections 64; }\n");
    c.append("http {\n");
    c.append("    variables_hash_max_size 2048;\n");
    // Relative to the prefix (-p): the compiled-in /var/lib/nginx may not be writable.
    c.append("    client_body_temp_path temp/body;\n");
    c.append("    proxy_temp_path temp/proxy;\n");
    c.append("    fastcgi_temp_path temp/fastcgi;\n");
    c.append("    uwsgi_temp_path temp/uwsgi;\n");
    c.append("    scgi_temp_path temp/scgi;\n");
    c.append("    access_log off;\n");
    c.append("    include ").append(layer.resolve(variant.conf)).append(";\n");
    c.append("    include ").append(layer.resolve("identity-log.conf")).append(";\n");
    c.append("    upstream orders { server 127.0.0.1:").append(backendPort).append("; }\n");
    c.append("    ssl_certificate ").append(tls.certificateChain).append(";\n");
    c.append("    ssl_certificate_key ").append(tls.privateKey).append(";\n");
    c.append("    ssl_client_certificate ").append(tls.clientCa).append(";\n");
    server(c, layer, accessLog, verifyingPort, "on");
    server(c, layer, accessLog, optionalPort, "optional");
    c.append("}\n");
    return c.toString();
  }

  private static void server(StringBuilder c, Path layer, Path accessLog, int port,
      String verify) {
    c.append("    server {\n");
    c.append("        listen 127.0.0.1:").append(port).append(" ssl;\n");
    c.append("        server_name localhost;\n");
    c.append("        ssl_verify_client ").append(verify).append(";\n");
    c.append("        access_log ").append(accessLog).append(" identity_json;\n");
    c.append("        location / {\n");
    c.append("            proxy_pass http://orders;\n");
    c.append("            include ").append(layer.resolve("identity-log-proxy.conf")).append(";\n");
    c.append("        }\n");
    c.append("    }\n");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private void awaitPorts() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (int port : new int[] {verifyingPort, optionalPort}) {
      while (!answers(port)) {
        if (!process.isAlive()) {
          throw new IOException("nginx exited with status " + process.exitValue() + ":\n"
              + errorLog());
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("nginx did not listen on 127.0.0.1:" + port + " within "
              + START_TIMEOUT + ":\n" + errorLog());
        }
        Thread.sleep(20);
      }
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  Variant variant() {
    return variant;
  }

  /** The server with {@code ssl_verify_client on}. */
  int verifyingPort() {
    return verifyingPort;
  }

  /** The server with {@code ssl_verify_client optional}. */
  int optionalPort() {
    return optionalPort;
  }

  Path accessLog() {
    return accessLog;
  }

  /** What NGINX wrote to stderr so far (its error log, at level info). */
  String errorLog() {
    try {
      return Files.isRegularFile(errorLog)
          ? Files.readString(errorLog, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The access log's complete lines so far (a line NGINX is still writing is left out); empty
   * before the first request.
   */
  List<String> accessLogLines() {
    try {
      if (!Files.isRegularFile(accessLog)) {
        return List.of();
      }
      String text = Files.readString(accessLog, StandardCharsets.UTF_8);
      String complete = text.substring(0, text.lastIndexOf('\n') + 1);
      return complete.isEmpty() ? List.of() : List.of(complete.split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops NGINX: SIGTERM (a fast shutdown), then waits; kills it if it does not exit. Not {@code
   * AutoCloseable} on purpose: JUnit closes auto-closeable arguments of a parameterized test after
   * each invocation, and this server serves the whole class.
   */
  void stop() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    // The link, not the layer directory it points to.
    Files.deleteIfExists(dir.resolve("identity-log"));
  }

  @Override
  public String toString() {
    return "nginx(" + variant + ", on :" + verifyingPort + ", optional :" + optionalPort + ")";
  }
}
