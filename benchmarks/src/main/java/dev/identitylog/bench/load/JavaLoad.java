package dev.identitylog.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A closed-loop keep-alive load generator like {@code wrk -c N}, for what wrk cannot do: present a
 * client certificate. One thread per connection, each sending the next request when the last
 * answer arrived; the TLS handshake happens once per connection, as with a kept-alive client.
 * Requests are raw bytes written once, answers read by {@code Content-Length}, so the generator
 * spends little CPU per request (the harness reports server utilisation to show who was busy).
 */
final class JavaLoad implements AutoCloseable {
  private final Socket[] sockets;
  private final byte[] request;

  /**
   * Opens and handshakes every connection before any measuring starts: a kept-alive client pays
   * the handshake once, not per request.
   */
  JavaLoad(SSLContext tls, int port, String path, List<String> headers, int connections)
      throws IOException {
    StringBuilder r = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    request = r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    sockets = new Socket[connections];
    try {
      for (int i = 0; i < connections; i++) {
        sockets[i] = connect(tls, port);
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private static Socket connect(SSLContext tls, int port) throws IOException {
    Socket plain = new Socket();
    plain.setTcpNoDelay(true);
    plain.connect(new InetSocketAddress("127.0.0.1", port));
    if (tls == null) {
      return plain;
    }
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
    s.startHandshake();
    return s;
  }

  /** Closed-loop load on the open connections for this long. */
  LoadResult run(int seconds) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + seconds * 1_000_000_000L;
    Worker[] workers = new Worker[sockets.length];
    for (int i = 0; i < sockets.length; i++) {
      workers[i] = new Worker(sockets[i], deadline);
      workers[i].start();
    }
    long count = 0;
    long errors = 0;
    long[][] all = new long[sockets.length][];
    for (int i = 0; i < sockets.length; i++) {
      workers[i].join();
      count += workers[i].count;
      errors += workers[i].errors.get();
      all[i] = Arrays.copyOf(workers[i].latencies, workers[i].count);
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    long[] merged = Arrays.stream(all).flatMapToLong(Arrays::stream).sorted().toArray();
    double p99 = merged.length == 0 ? 0
        : merged[(int) Math.min(merged.length - 1, Math.ceil(merged.length * 0.99) - 1)] / 1e6;
    return new LoadResult(count, elapsed, p99, errors);
  }

  /** One request on the first connection; its status. */
  int once() throws IOException {
    sockets[0].getOutputStream().write(request);
    sockets[0].getOutputStream().flush();
    return readResponse(sockets[0].getInputStream(), new byte[8192]);
  }

  @Override
  public void close() {
    for (Socket s : sockets) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // closing at the end of a run: nothing to report
        }
      }
    }
  }

  private final class Worker extends Thread {
    private final Socket socket;
    private final long deadline;
    private final AtomicLong errors = new AtomicLong();
    private long[] latencies = new long[1 << 16];
    private int count;

    Worker(Socket socket, long deadline) {
      super("load");
      this.socket = socket;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        long now = System.nanoTime();
        while (now < deadline) {
          out.write(request);
          out.flush();
          if (readResponse(in, buffer) != 200) {
            errors.incrementAndGet();
          }
          long done = System.nanoTime();
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = done - now;
          now = done;
        }
      } catch (IOException e) {
        errors.incrementAndGet();
      }
    }
  }

  /** Reads one response; returns its status. Only what Jetty sends here: Content-Length bodies. */
  static int readResponse(InputStream in, byte[] buffer) throws IOException {
    int filled = 0;
    int headerEnd = -1;
    while (headerEnd < 0) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        throw new IOException("connection closed");
      }
      filled += n;
      headerEnd = indexOfBlankLine(buffer, filled);
      if (headerEnd < 0 && filled == buffer.length) {
        throw new IOException("response head too long");
      }
    }
    String head = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(head.substring(9, 12));
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    int remaining = length - (filled - headerEnd - 4);
    while (remaining > 0) {
      int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
      if (n < 0) {
        throw new IOException("connection closed");
      }
      remaining -= n;
    }
    return status;
  }

  private static int indexOfBlankLine(byte[] b, int length) {
    for (int i = 0; i + 3 < length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
