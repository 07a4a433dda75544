package dev.identitylog.cli;

import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.cert.CertificateParseException;
import dev.identitylog.cert.Certificates;
import dev.identitylog.event.IdentityEvent;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code inspect-cert FILE|-}: one object per certificate (PEM, one or more, or DER) with the
 * {@code tls.client.*} fields and {@code identity.workload.id}, exactly as a hop would log them.
 */
@Command(
    name = "inspect-cert",
    description = {
      "Print the identity fields of X.509 certificates (PEM, one or more, or DER).",
      "tls.client.hash.sha256 is the SHA-256 of the DER, as openssl x509 -fingerprint -sha256 shows it."
    },
    mixinStandardHelpOptions = true)
final class InspectCertCommand implements Callable<Integer> {
  /** The limit {@link Certificates#parse} enforces; reading more would only be refused there. */
  private static final int MAX_BYTES = 64 * 1024;

  @ParentCommand IdentityLogCli root;

  @Mixin FormatOption format;

  @Parameters(index = "0", paramLabel = "FILE|-", description = "A certificate file; - reads standard input.")
  String file;

  /**
   * What a file is when it is a well-known container that is not a certificate, with how to get
   * the certificate out; null otherwise. Its contents are never quoted (a key store holds keys).
   */
  static String otherKind(byte[] b) {
    if (b.length >= 4 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xed && (b[2] & 0xff) == 0xfe
        && (b[3] & 0xff) == 0xed) {
      return "a Java KeyStore (JKS), not a certificate: export it first, e.g."
          + " keytool -exportcert -rfc -alias ALIAS -keystore FILE";
    }
    if (isPkcs12(b)) {
      return "a PKCS#12 key store (.p12/.pfx), not a certificate: extract it first, e.g."
          + " openssl pkcs12 -in FILE -clcerts -nokeys -out cert.pem";
    }
    String text = new String(b, 0, Math.min(b.length, 64 * 1024), java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      if (text.matches("(?s).*-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*")) {
        return "holds a private key, not a certificate (nothing printed from it)";
      }
      if (text.contains("-----BEGIN CERTIFICATE REQUEST-----")
          || text.contains("-----BEGIN NEW CERTIFICATE REQUEST-----")) {
        return "a certificate signing request, not a certificate";
      }
    }
    return null;
  }

  /** PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ... } ... } (RFC 7292). */
  private static boolean isPkcs12(byte[] b) {
    if (b.length < 8 || (b[0] & 0xff) != 0x30) {
      return false;
    }
    int i = 1;
    int len = b[i] & 0xff;
    i += len < 0x80 ? 1 : 1 + (len & 0x7f);
    return i + 4 <= b.length && b[i] == 0x02 && b[i + 1] == 0x01 && b[i + 2] == 0x03
        && b[i + 3] == 0x30;
  }

  @Override
  public Integer call() {
    Inputs.requireReadable(List.of(file));
    byte[] bytes = Inputs.readAll(file, root.in, MAX_BYTES);
    String other = otherKind(bytes);
    if (other != null) {
      throw new CliException(Inputs.shown(file) + ": " + other);
    }
    List<X509Certificate> certificates;
    try {
      certificates = Certificates.parse(bytes);
    } catch (CertificateParseException e) {
      throw new CliException(Inputs.shown(file) + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new CliException(Inputs.shown(file) + ": no certificate found");
    }
    Output out = format.open(root.out);
    for (X509Certificate certificate : certificates) {
      CertificateFacts facts = CertificateFacts.of(certificate);
      if (facts.problem() != null && facts.sha256() == null) {
        throw new CliException(Inputs.shown(file) + ": unreadable certificate (" + facts.problem().code() + ")");
      }
      out.event(facts.applyClient(IdentityEvent.builder()).build());
    }
    out.finish();
    return IdentityLogCli.OK;
  }
}
