package dev.identitylog.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * {@link ServerAdapterContract} for HTTP server adapters: the suite sends HTTP/1.1 over its own TLS
 * socket (so it controls every header, the path and a mid-answer reset), and the subclass only
 * starts its server. The subclass's application serves {@code GET /contract/<route>} (see {@link
 * #routeOf}) by calling {@link Application#serve} and then answering:
 *
 * <ul>
 *   <li>OK: 200; CHALLENGE: 401 with {@code WWW-Authenticate: }{@value #CHALLENGE}; FORBIDDEN: 403
 *       without a challenge; THROW: nothing (the exception reaches the container, which answers
 *       500);
 *   <li>ASYNC: 200 from another thread after the handler returned (servlet {@code startAsync});
 *   <li>SLOW: 200 with a body of at least 4 MiB written in chunks with short pauses.
 * </ul>
 */
public abstract class HttpServerAdapterContract extends ServerAdapterContract {
  private static final String PREFIX = "/contract/";

  /** The route a request path names, ignoring path parameters; {@code null} for another path. */
  public static Route routeOf(String path) {
    if (path == null || !path.startsWith(PREFIX)) {
      return null;
    }
    String name = path.substring(PREFIX.length());
    int semicolon = name.indexOf(';');
    name = semicolon >= 0 ? name.substring(0, semicolon) : name;
    try {
      return Route.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  protected Answer send(Request request) throws IOException {
    try (SSLSocket socket = open(request)) {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      // The head ends at the first empty line; the body is not needed.
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
            ? state + 1 : 0;
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      String status = lines[0].split(" ")[1];
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      in.transferTo(OutputStream.nullOutputStream()); // let the server finish cleanly
      return new Answer(status, headers);
    }
  }

  @Override
  protected void sendAndAbort(Request request) throws IOException {
    try (SSLSocket socket = open(request)) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      int read = 0;
      while (read < 32 * 1024) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        read += n;
      }
      socket.setSoLinger(true, 0); // a reset, as a closed browser tab sends
    }
  }

  @Override
  protected String expectedStatus(Route route) {
    switch (route) {
      case CHALLENGE:
        return "401";
      case FORBIDDEN:
        return "403";
      case THROW:
        return "500";
      default:
        return "200";
    }
  }

  @Override
  protected String strictRefusalStatus() {
    return "400";
  }

  @Override
  protected String statusField() {
    return "http.response.status_code";
  }

  private static SSLSocket open(Request request) throws IOException {
    Socket raw = request.tls.getSocketFactory().createSocket("127.0.0.1", request.port);
    SSLSocket socket = (SSLSocket) raw;
    socket.setSoTimeout(20_000);
    StringBuilder head = new StringBuilder()
        .append("GET ").append(PREFIX).append(request.route.path())
        .append(request.pathParameter == null ? "" : request.pathParameter)
        .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    request.headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return socket;
  }
}
