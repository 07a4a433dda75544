package dev.identitylog.servlet;

import dev.identitylog.protocol.HttpServerRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.Iterator;

/**
 * The core's view of a servlet request. The core reads every fact once, when the record starts,
 * and a failure of any one getter would lose all the facts after it; so each getter contains its
 * own failure (request wrappers written by applications do throw) and answers {@code null}.
 */
final class ServletInboundRequest implements HttpServerRequest {
  /** The client certificate chain of this connection's TLS handshake (Servlet specification). */
  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  static final String CIPHER_SUITE_ATTRIBUTE = "jakarta.servlet.request.cipher_suite";

  /**
   * Set by Tomcat (and by Servlet 6.1 containers); Jetty 12 does not set it, and is read through
   * {@link JettySslSession} instead.
   */
  static final String SECURE_PROTOCOL_ATTRIBUTE = "jakarta.servlet.request.secure_protocol";

  private final HttpServletRequest request;
  // Read once, by the first of the TLS getters (see readTls); the core reads them on one thread.
  private boolean tlsRead;
  private boolean tlsAttributes;
  private X509Certificate[] chain;

  ServletInboundRequest(HttpServletRequest request) {
    this.request = request;
  }

  /**
   * Every line of the header, joined with {@code ","} (the core's contract): {@code getHeader}
   * gives only the first line, which a client controls when a proxy appends its own line.
   * Containers look request headers up case-insensitively (Servlet specification 3.1).
   *
   * <p>The core asks for about twenty headers per request (trace formats, forwarded identity,
   * request ids) of which a request carries two or three. {@code getHeader} answers an absent one
   * without allocating, while {@code getHeaders} builds an enumeration (on Jetty 12 two objects and
   * a scan of all fields) even for a header that is not there; so the lines are enumerated only for
   * a header that is present.
   */
  @Override
  public String header(String name) {
    try {
      String first = request.getHeader(name);
      if (first == null) {
        return null; // absent: no line at all (getHeader answers the first line when there is one)
      }
      Enumeration<String> lines = request.getHeaders(name);
      if (lines == null || !lines.hasMoreElements()) {
        return first; // a container that does not give the lines (Servlet 6)
      }
      String line = lines.nextElement();
      if (!lines.hasMoreElements()) {
        return line;
      }
      StringBuilder joined = new StringBuilder(line);
      while (lines.hasMoreElements()) {
        joined.append(',').append(lines.nextElement());
      }
      return joined.toString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The names of the request's headers in one pass, where the container lists them cheaply, so
   * that the core asks {@link #header} only for those of its twenty or so names that are present.
   * Measured per container (docs/performance.md, "Container calls, the exchange and JIT size"):
   * Tomcat 11 lists the names of a three-header request with one enumerator in about a third of
   * the time of eighteen {@code getHeader} calls; Jetty 12 builds sets for every listing (about
   * 300 bytes) and takes more than twice their time, so Jetty and any container not known to list
   * cheaply are asked name by name ({@code null} here). An application's {@link
   * ServletRequestWrapper} in front of this filter may answer {@code getHeader} for a name its
   * {@code getHeaderNames} does not list, so a wrapped request is asked name by name too.
   */
  @Override
  public Iterator<String> headerNames() {
    if (!ListsHeaderNamesCheaply.test(request)) {
      return null;
    }
    try {
      Enumeration<String> names = request.getHeaderNames();
      return names == null ? null : names.asIterator();
    } catch (RuntimeException e) {
      return null; // the core then asks for every header, each through its own failure handling
    }
  }

  /** Which request classes list their header names cheaply, decided once per class. */
  static final class ListsHeaderNamesCheaply {
    // Racy on purpose: a stale read only decides again.
    private static Class<?> cheap;
    private static Class<?> dear;

    private ListsHeaderNamesCheaply() {}

    static boolean test(HttpServletRequest request) {
      Class<?> type = request.getClass();
      if (type == cheap) {
        return true;
      }
      if (type == dear) {
        return false;
      }
      boolean answer =
          !ServletRequestWrapper.class.isAssignableFrom(type)
              && type.getName().startsWith("org.apache.catalina.");
      if (answer) {
        cheap = type;
      } else {
        dear = type;
      }
      return answer;
    }
  }

  @Override
  public String method() {
    try {
      return request.getMethod();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String path() {
    try {
      return request.getRequestURI();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The servlet mapping that matched, as a route: the context path plus the pattern. The default
   * servlet ({@code /}) matches every path that nothing else matched, which says nothing about
   * the route, so it gives none (a framework behind it may name one later).
   */
  @Override
  public String route() {
    try {
      HttpServletMapping mapping = request.getHttpServletMapping();
      if (mapping == null) {
        return null;
      }
      MappingMatch match = mapping.getMappingMatch();
      String pattern = mapping.getPattern();
      if (match == null || pattern == null) {
        return null;
      }
      String context = request.getContextPath();
      String prefix = context == null ? "" : context;
      switch (match) {
        case CONTEXT_ROOT:
          return prefix.isEmpty() ? "/" : prefix + "/";
        case EXACT:
        case PATH:
          return prefix.isEmpty() ? pattern : prefix + pattern;
        case EXTENSION:
          return prefix + "/" + pattern;
        default:
          return null;
      }
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String peerAddress() {
    try {
      return request.getRemoteAddr();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String serverAddress() {
    try {
      return request.getServerName();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public int serverPort() {
    try {
      return request.getServerPort();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public X509Certificate[] peerCertificates() {
    readTls();
    return chain;
  }

  @Override
  public String tlsProtocol() {
    if (!readTls()) {
      return null;
    }
    Object protocol = attribute(SECURE_PROTOCOL_ATTRIBUTE);
    if (protocol instanceof String) {
      return (String) protocol;
    }
    return JettySslSession.protocol(attribute(JettySslSession.ATTRIBUTE));
  }

  @Override
  public String tlsCipher() {
    if (!readTls()) {
      return null;
    }
    Object cipher = attribute(CIPHER_SUITE_ATTRIBUTE);
    return cipher instanceof String ? (String) cipher : null;
  }

  /**
   * Reads the certificate attribute once and answers whether the request's TLS attributes are
   * worth reading. On a plain-HTTP request there is no handshake, and Jetty answers each attribute
   * look-up through several layers of attribute maps, so the protocol and cipher attributes are
   * read only for a secure request, or for one that carries a certificate all the same (Spring's
   * MockMvc {@code x509()} sets the certificate attribute on a request that is not secure, and a
   * test harness may set the others beside it).
   */
  private boolean readTls() {
    if (!tlsRead) {
      tlsRead = true;
      Object attribute = attribute(CERTIFICATE_ATTRIBUTE);
      chain = attribute instanceof X509Certificate[] ? (X509Certificate[]) attribute : null;
      boolean secure;
      try {
        secure = request.isSecure();
      } catch (RuntimeException e) {
        secure = true; // unknown: read the attributes, as for any secure request
      }
      tlsAttributes = secure || chain != null;
    }
    return tlsAttributes;
  }

  private Object attribute(String name) {
    try {
      return request.getAttribute(name);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
