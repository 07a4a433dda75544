package dev.identitylog.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application behind every configuration: a small JSON answer, so that what differs between
 * configurations is only what sits in front of it. Counts what it served, which is what the
 * number of events is checked against.
 */
public final class Hello extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String BODY = "{\"order\":42}";

  private final transient LongAdder served = new LongAdder();

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    served.increment();
    resp.setContentType("application/json");
    resp.setContentLength(BODY.length());
    resp.getWriter().write(BODY);
  }

  public long served() {
    return served.sum();
  }
}
