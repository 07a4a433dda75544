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

  @Override
  public Integer call() {
    Inputs.requireReadable(List.of(file));
    byte[] bytes = Inputs.readAll(file, root.in, MAX_BYTES);
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
