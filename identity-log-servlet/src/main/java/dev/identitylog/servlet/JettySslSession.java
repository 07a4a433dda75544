package dev.identitylog.servlet;

import org.eclipse.jetty.io.EndPoint;

/**
 * The TLS protocol of a request served by Jetty 12, which exposes no protocol attribute of its own:
 * its ee10 requests carry the connection's {@link EndPoint.SslSessionData} instead, whose {@code
 * SSLSession} names the protocol. Compiled against jetty-io but never needing it: the Jetty types
 * are only resolved when that attribute is present, and a webapp class loader that hides Jetty's
 * classes turns the look-up off for good rather than failing a request.
 */
final class JettySslSession {
  /** {@code EndPoint.SslSessionData.ATTRIBUTE}, written out so that reading it needs no Jetty. */
  static final String ATTRIBUTE = "org.eclipse.jetty.io.Endpoint.SslSessionData";

  private static volatile boolean unavailable;

  private JettySslSession() {}

  /** The protocol of the session in this attribute value (e.g. {@code TLSv1.3}), or null. */
  static String protocol(Object sslSessionData) {
    if (sslSessionData == null || unavailable) {
      return null;
    }
    try {
      return Reader.protocol(sslSessionData);
    } catch (LinkageError e) {
      unavailable = true; // Jetty's classes are not visible here: the attribute cannot be read
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Holds the only references to Jetty types, so they resolve on first use, not on load. */
  private static final class Reader {
    static String protocol(Object value) {
      if (value instanceof EndPoint.SslSessionData) {
        javax.net.ssl.SSLSession session = ((EndPoint.SslSessionData) value).sslSession();
        return session == null ? null : session.getProtocol();
      }
      return null;
    }
  }
}
