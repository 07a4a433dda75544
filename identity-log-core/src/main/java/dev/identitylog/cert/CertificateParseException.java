package dev.identitylog.cert;

/**
 * Input given to {@link Certificates} is not a certificate it accepts. The message is one printable
 * line that says what is wrong and where (which PEM block), fit to show to a user.
 */
public final class CertificateParseException extends Exception {
  private static final long serialVersionUID = 1L;

  CertificateParseException(String message) {
    super(message);
  }

  CertificateParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
