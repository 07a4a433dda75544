package dev.identitylog.bench.jmh;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.MappingMatch;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A GET request as a container hands it to a filter, answering from a few fields so that what a
 * benchmark measures is the filter and not the container. Headers and attributes live in small
 * arrays; {@link #ready()} drops what the filter set, so every invocation sees the same request.
 * Whatever a filter could call and a plain GET does not have answers like a container would (null,
 * empty); nothing throws.
 */
final class StubRequest implements HttpServletRequest {
  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
  private static final HttpServletMapping MAPPING = new HttpServletMapping() {
    @Override
    public String getMatchValue() {
      return "orders/42";
    }

    @Override
    public String getPattern() {
      return "/*";
    }

    @Override
    public String getServletName() {
      return "hello";
    }

    @Override
    public MappingMatch getMappingMatch() {
      return MappingMatch.PATH;
    }
  };

  private final String[] headerNames;
  private final String[] headerValues;
  private final String[] attributeNames = new String[8];
  private final Object[] attributeValues = new Object[8];
  private final int fixedAttributes;
  private int attributes;

  /** Headers as name, value, name, value…; the certificate chain is null for plain HTTP. */
  StubRequest(X509Certificate[] chain, String... headers) {
    headerNames = new String[headers.length / 2];
    headerValues = new String[headers.length / 2];
    for (int i = 0; i < headerNames.length; i++) {
      headerNames[i] = headers[2 * i];
      headerValues[i] = headers[2 * i + 1];
    }
    if (chain != null) {
      setAttribute(CERTIFICATE_ATTRIBUTE, chain);
    }
    fixedAttributes = attributes;
  }

  /** Forgets the attributes set since construction. */
  void ready() {
    for (int i = fixedAttributes; i < attributes; i++) {
      attributeNames[i] = null;
      attributeValues[i] = null;
    }
    attributes = fixedAttributes;
  }

  /** Replaces the client certificate (first-seen certificate runs). */
  void certificate(X509Certificate[] chain) {
    attributeValues[0] = chain;
  }

  /** Replaces one header's value (first-seen token runs). */
  void header(String name, String value) {
    for (int i = 0; i < headerNames.length; i++) {
      if (headerNames[i].equalsIgnoreCase(name)) {
        headerValues[i] = value;
      }
    }
  }

  @Override
  public String getHeader(String name) {
    for (int i = 0; i < headerNames.length; i++) {
      if (headerNames[i].equalsIgnoreCase(name)) {
        return headerValues[i];
      }
    }
    return null;
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    String v = getHeader(name);
    return v == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(v));
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    return Collections.enumeration(List.of(headerNames));
  }

  @Override
  public int getIntHeader(String name) {
    String v = getHeader(name);
    return v == null ? -1 : Integer.parseInt(v);
  }

  @Override
  public long getDateHeader(String name) {
    return -1;
  }

  @Override
  public Object getAttribute(String name) {
    for (int i = 0; i < attributes; i++) {
      if (attributeNames[i].equals(name)) {
        return attributeValues[i];
      }
    }
    return null;
  }

  @Override
  public void setAttribute(String name, Object value) {
    for (int i = 0; i < attributes; i++) {
      if (attributeNames[i].equals(name)) {
        attributeValues[i] = value;
        return;
      }
    }
    if (attributes < attributeNames.length) {
      attributeNames[attributes] = name;
      attributeValues[attributes++] = value;
    }
  }

  @Override
  public void removeAttribute(String name) {
    setAttribute(name, null);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    return Collections.enumeration(List.of(attributeNames).subList(0, attributes));
  }

  @Override
  public String getMethod() {
    return "GET";
  }

  @Override
  public String getRequestURI() {
    return "/orders/42";
  }

  @Override
  public StringBuffer getRequestURL() {
    return new StringBuffer("http://localhost:8080/orders/42");
  }

  @Override
  public String getContextPath() {
    return "";
  }

  @Override
  public String getServletPath() {
    return "";
  }

  @Override
  public String getPathInfo() {
    return "/orders/42";
  }

  @Override
  public HttpServletMapping getHttpServletMapping() {
    return MAPPING;
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public String getScheme() {
    return isSecure() ? "https" : "http";
  }

  @Override
  public boolean isSecure() {
    return fixedAttributes > 0;
  }

  @Override
  public String getServerName() {
    return "localhost";
  }

  @Override
  public int getServerPort() {
    return 8080;
  }

  @Override
  public String getRemoteAddr() {
    return "127.0.0.1";
  }

  @Override
  public String getRemoteHost() {
    return "127.0.0.1";
  }

  @Override
  public int getRemotePort() {
    return 50000;
  }

  @Override
  public String getLocalName() {
    return "localhost";
  }

  @Override
  public String getLocalAddr() {
    return "127.0.0.1";
  }

  @Override
  public int getLocalPort() {
    return 8080;
  }

  @Override
  public DispatcherType getDispatcherType() {
    return DispatcherType.REQUEST;
  }

  @Override
  public boolean isAsyncStarted() {
    return false;
  }

  @Override
  public boolean isAsyncSupported() {
    return false;
  }

  @Override
  public AsyncContext getAsyncContext() {
    throw new IllegalStateException("not async");
  }

  @Override
  public AsyncContext startAsync() {
    throw new IllegalStateException("async not supported");
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
    throw new IllegalStateException("async not supported");
  }

  @Override
  public String getRequestId() {
    return "1";
  }

  @Override
  public String getProtocolRequestId() {
    return "";
  }

  @Override
  public ServletConnection getServletConnection() {
    return null;
  }

  @Override
  public String getCharacterEncoding() {
    return null;
  }

  @Override
  public void setCharacterEncoding(String env) {}

  @Override
  public int getContentLength() {
    return -1;
  }

  @Override
  public long getContentLengthLong() {
    return -1;
  }

  @Override
  public String getContentType() {
    return null;
  }

  @Override
  public ServletInputStream getInputStream() {
    throw new UnsupportedOperationException("a GET without a body");
  }

  @Override
  public BufferedReader getReader() {
    throw new UnsupportedOperationException("a GET without a body");
  }

  @Override
  public String getParameter(String name) {
    return null;
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.emptyEnumeration();
  }

  @Override
  public String[] getParameterValues(String name) {
    return null;
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return Map.of();
  }

  @Override
  public Locale getLocale() {
    return Locale.ROOT;
  }

  @Override
  public Enumeration<Locale> getLocales() {
    return Collections.enumeration(List.of(Locale.ROOT));
  }

  @Override
  public RequestDispatcher getRequestDispatcher(String path) {
    return null;
  }

  @Override
  public ServletContext getServletContext() {
    return null;
  }

  @Override
  public String getAuthType() {
    return null;
  }

  @Override
  public Cookie[] getCookies() {
    return null;
  }

  @Override
  public String getPathTranslated() {
    return null;
  }

  @Override
  public String getQueryString() {
    return null;
  }

  @Override
  public String getRemoteUser() {
    return null;
  }

  @Override
  public boolean isUserInRole(String role) {
    return false;
  }

  @Override
  public Principal getUserPrincipal() {
    return null;
  }

  @Override
  public String getRequestedSessionId() {
    return null;
  }

  @Override
  public HttpSession getSession(boolean create) {
    return null;
  }

  @Override
  public HttpSession getSession() {
    return null;
  }

  @Override
  public String changeSessionId() {
    throw new IllegalStateException("no session");
  }

  @Override
  public boolean isRequestedSessionIdValid() {
    return false;
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    return false;
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }

  @Override
  public boolean authenticate(HttpServletResponse response) {
    return false;
  }

  @Override
  public void login(String username, String password) {}

  @Override
  public void logout() {}

  @Override
  public Collection<Part> getParts() {
    return List.of();
  }

  @Override
  public Part getPart(String name) {
    return null;
  }

  @Override
  public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) {
    throw new UnsupportedOperationException("no upgrade");
  }
}
