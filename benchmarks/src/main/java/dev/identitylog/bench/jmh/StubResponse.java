package dev.identitylog.bench.jmh;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A response that keeps status and a few headers in arrays and discards the body, so that a
 * benchmark measures the filter, not a container's buffers. {@link #ready()} readies it for the next
 * invocation.
 */
final class StubResponse implements HttpServletResponse {
  private final String[] headerNames = new String[8];
  private final String[] headerValues = new String[8];
  private final PrintWriter writer = new PrintWriter(Writer.nullWriter());
  private final ServletOutputStream output = new ServletOutputStream() {
    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  };
  private int headers;
  private int status = 200;
  private String contentType;
  private boolean committed;

  void ready() {
    for (int i = 0; i < headers; i++) {
      headerNames[i] = null;
      headerValues[i] = null;
    }
    headers = 0;
    status = 200;
    contentType = null;
    committed = false;
  }

  @Override
  public void setHeader(String name, String value) {
    for (int i = 0; i < headers; i++) {
      if (headerNames[i].equalsIgnoreCase(name)) {
        headerValues[i] = value;
        return;
      }
    }
    addHeader(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    if (headers < headerNames.length) {
      headerNames[headers] = name;
      headerValues[headers++] = value;
    }
  }

  @Override
  public String getHeader(String name) {
    for (int i = 0; i < headers; i++) {
      if (headerNames[i].equalsIgnoreCase(name)) {
        return headerValues[i];
      }
    }
    return null;
  }

  @Override
  public Collection<String> getHeaders(String name) {
    List<String> values = new ArrayList<>(1);
    for (int i = 0; i < headers; i++) {
      if (headerNames[i].equalsIgnoreCase(name)) {
        values.add(headerValues[i]);
      }
    }
    return values;
  }

  @Override
  public Collection<String> getHeaderNames() {
    return List.of(headerNames).subList(0, headers);
  }

  @Override
  public boolean containsHeader(String name) {
    return getHeader(name) != null;
  }

  @Override
  public void setIntHeader(String name, int value) {
    setHeader(name, Integer.toString(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    addHeader(name, Integer.toString(value));
  }

  @Override
  public void setDateHeader(String name, long date) {
    setHeader(name, Long.toString(date));
  }

  @Override
  public void addDateHeader(String name, long date) {
    addHeader(name, Long.toString(date));
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc, String msg) {
    status = sc;
    committed = true;
  }

  @Override
  public void sendError(int sc) {
    sendError(sc, null);
  }

  @Override
  public void sendRedirect(String location) {
    status = 302;
    committed = true;
  }

  @Override
  public void addCookie(Cookie cookie) {}

  @Override
  public String encodeURL(String url) {
    return url;
  }

  @Override
  public String encodeRedirectURL(String url) {
    return url;
  }

  @Override
  public String getCharacterEncoding() {
    return "UTF-8";
  }

  @Override
  public String getContentType() {
    return contentType;
  }

  @Override
  public ServletOutputStream getOutputStream() {
    return output;
  }

  @Override
  public PrintWriter getWriter() {
    return writer;
  }

  @Override
  public void setCharacterEncoding(String charset) {}

  @Override
  public void setContentLength(int len) {}

  @Override
  public void setContentLengthLong(long len) {}

  @Override
  public void setContentType(String type) {
    contentType = type;
  }

  @Override
  public void setBufferSize(int size) {}

  @Override
  public int getBufferSize() {
    return 8192;
  }

  @Override
  public void flushBuffer() {
    committed = true;
  }

  @Override
  public void resetBuffer() {}

  @Override
  public boolean isCommitted() {
    return committed;
  }

  @Override
  public void reset() {
    ready();
  }

  @Override
  public void setLocale(Locale loc) {}

  @Override
  public Locale getLocale() {
    return Locale.ROOT;
  }
}
