package dev.identitylog.cert;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Parses X.509 certificates from PEM (one or more {@code CERTIFICATE} blocks, RFC 7468) or from one
 * DER encoding, with the JDK's certificate factory. Input is bounded: at most {@value #MAX_BYTES}
 * bytes and {@value #MAX_CERTIFICATES} certificates, because it may come from a request header or
 * a file a user points at. Bad input throws {@link CertificateParseException}, never anything else.
 */
public final class Certificates {
  /** The largest input accepted, in bytes (for PEM text: characters). */
  static final int MAX_BYTES = 64 * 1024;

  /** The most certificates one input may hold. */
  static final int MAX_CERTIFICATES = 16;

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final int MAX_CAUSE_LENGTH = 160;

  private Certificates() {}

  /**
   * The certificates in the input: PEM text with one or more {@code CERTIFICATE} blocks (text
   * around and between blocks, and blocks of other types, are ignored), or a single DER-encoded
   * certificate.
   *
   * @return the certificates in input order, never empty, unmodifiable
   * @throws CertificateParseException when the input is empty, too large, holds too many
   *     certificates, or is not a well-formed certificate
   */
  public static List<X509Certificate> parse(byte[] pemOrDer) throws CertificateParseException {
    if (pemOrDer == null || pemOrDer.length == 0) {
      throw new CertificateParseException("no certificate: the input is empty");
    }
    checkSize(pemOrDer.length, "bytes");
    if ((pemOrDer[0] & 0xff) == 0x30) {
      // A DER SEQUENCE; PEM text never starts with the digit '0' in practice.
      return List.of(parseDer(pemOrDer));
    }
    // PEM is ASCII; Latin-1 maps each byte to one char, so nothing fails to decode here.
    return pem(new String(pemOrDer, StandardCharsets.ISO_8859_1));
  }

  /**
   * The certificates in PEM text: every {@code CERTIFICATE} (or legacy {@code X509 CERTIFICATE})
   * block, in order. Text around and between blocks, and blocks of other types, are ignored.
   *
   * @throws CertificateParseException when the text is empty, too large, has no certificate block,
   *     more than {@value #MAX_CERTIFICATES}, or a block that is not a well-formed certificate
   */
  public static List<X509Certificate> parsePem(String pem) throws CertificateParseException {
    if (pem == null || pem.isEmpty()) {
      throw new CertificateParseException("no certificate: the input is empty");
    }
    checkSize(pem.length(), "characters");
    return pem(pem);
  }

  /**
   * One DER-encoded certificate; the input must be exactly one definite-length DER {@code
   * SEQUENCE}, with nothing after it.
   *
   * @throws CertificateParseException when the input is empty, too large, truncated, followed by
   *     other bytes, or not a well-formed certificate
   */
  public static X509Certificate parseDer(byte[] der) throws CertificateParseException {
    if (der == null || der.length == 0) {
      throw new CertificateParseException("no certificate: the input is empty");
    }
    checkSize(der.length, "bytes");
    checkDerFraming(der);
    return generate(der, "the DER input");
  }

  private static List<X509Certificate> pem(String text) throws CertificateParseException {
    List<X509Certificate> out = new ArrayList<>(2);
    int blocks = 0;
    int from = 0;
    while (true) {
      int begin = text.indexOf(BEGIN, from);
      if (begin < 0) {
        break;
      }
      blocks++;
      int labelStart = begin + BEGIN.length();
      int labelEnd = text.indexOf(DASHES, labelStart);
      int lineEnd = lineEnd(text, labelStart);
      if (labelEnd < 0 || labelEnd > lineEnd) {
        throw new CertificateParseException("PEM block " + blocks + " has a malformed BEGIN line");
      }
      String label = text.substring(labelStart, labelEnd);
      String endLine = END + label + DASHES;
      int end = text.indexOf(endLine, labelEnd + DASHES.length());
      if (end < 0) {
        throw new CertificateParseException("PEM block " + blocks + " has no END line");
      }
      if (label.equals("CERTIFICATE") || label.equals("X509 CERTIFICATE")) {
        if (out.size() == MAX_CERTIFICATES) {
          throw new CertificateParseException(
              "more than " + MAX_CERTIFICATES + " certificates in one input");
        }
        byte[] der = base64(text, labelEnd + DASHES.length(), end, blocks);
        String where = "PEM block " + blocks;
        if (der.length == 0) {
          throw new CertificateParseException(where + " is empty");
        }
        checkDerFraming(der, where);
        out.add(generate(der, where));
      }
      from = end + endLine.length();
    }
    if (out.isEmpty()) {
      throw new CertificateParseException(
          blocks == 0
              ? "not a certificate: the input is neither PEM nor DER"
              : "no CERTIFICATE block among the " + blocks + " PEM blocks of the input");
    }
    return Collections.unmodifiableList(out);
  }

  private static int lineEnd(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return text.length();
  }

  private static byte[] base64(String text, int from, int to, int block)
      throws CertificateParseException {
    StringBuilder body = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
        body.append(c);
      }
    }
    try {
      return Base64.getDecoder().decode(body.toString());
    } catch (IllegalArgumentException e) {
      throw new CertificateParseException("PEM block " + block + " is not valid base64", e);
    }
  }

  private static void checkSize(int length, String unit) throws CertificateParseException {
    if (length > MAX_BYTES) {
      throw new CertificateParseException(
          "the input is " + length + " " + unit + ", more than the " + MAX_BYTES + " accepted");
    }
  }

  private static void checkDerFraming(byte[] der) throws CertificateParseException {
    checkDerFraming(der, "the DER input");
  }

  /**
   * The JDK also reads BER and silently ignores bytes after the certificate; a certificate is one
   * definite-length DER SEQUENCE and nothing more, so anything else is refused before parsing.
   */
  private static void checkDerFraming(byte[] der, String where) throws CertificateParseException {
    if (der.length < 2 || (der[0] & 0xff) != 0x30) {
      throw new CertificateParseException(where + " is not a DER SEQUENCE");
    }
    int first = der[1] & 0xff;
    long length;
    int header;
    if (first < 0x80) {
      length = first;
      header = 2;
    } else {
      int octets = first & 0x7f;
      if (octets == 0) {
        throw new CertificateParseException(
            where + " uses an indefinite length, which DER forbids");
      }
      if (octets > 4 || der.length < 2 + octets) {
        throw new CertificateParseException(where + " has a malformed length");
      }
      length = 0;
      for (int i = 0; i < octets; i++) {
        length = (length << 8) | (der[2 + i] & 0xff);
      }
      header = 2 + octets;
    }
    long total = header + length;
    if (total > der.length) {
      throw new CertificateParseException(where + " is truncated");
    }
    if (total < der.length) {
      throw new CertificateParseException(
          where + " has " + (der.length - total) + " bytes after the certificate");
    }
  }

  private static X509Certificate generate(byte[] der, String where)
      throws CertificateParseException {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Certificate cert = factory.generateCertificate(new ByteArrayInputStream(der));
      if (!(cert instanceof X509Certificate)) {
        throw new CertificateParseException(where + " is not an X.509 certificate");
      }
      return (X509Certificate) cert;
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateParseException(
          where + " is not a well-formed X.509 certificate" + cause(e), e);
    } catch (StackOverflowError e) {
      // Deeply nested hostile input can exhaust the stack of a recursive ASN.1 reader.
      throw new CertificateParseException(where + " is nested too deeply", null);
    }
  }

  /** The JDK's own message, reduced to one short printable line, for a reader to act on. */
  private static String cause(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isEmpty()) {
      return "";
    }
    return ": " + printable(message);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CAUSE_LENGTH));
    for (int i = 0; i < s.length() && sb.length() < MAX_CAUSE_LENGTH; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return sb.toString();
  }
}
