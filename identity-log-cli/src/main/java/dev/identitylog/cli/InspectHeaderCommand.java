package dev.identitylog.cli;

import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.cert.Certificates;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.forwarded.ClientCertHeader;
import dev.identitylog.forwarded.ForwardedCertificates;
import dev.identitylog.forwarded.Xfcc;
import dev.identitylog.forwarded.XfccElement;
import dev.identitylog.forwarded.XfccParseResult;
import dev.identitylog.propagation.AmznTraceId;
import dev.identitylog.propagation.B3;
import dev.identitylog.propagation.TraceContext;
import dev.identitylog.propagation.TraceParent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code inspect-header NAME VALUE}: the schema fields a hop derives from one propagation or
 * forwarded-identity header, parsed by the same code the adapters use. For XFCC, one object per
 * element, oldest first; for {@code client-cert-chain}, one per certificate.
 */
@Command(
    name = "inspect-header",
    description = {
      "Print the identity fields derived from one header.",
      "NAME: traceparent, b3, x-amzn-trace-id, x-forwarded-client-cert, client-cert, client-cert-chain."
    },
    mixinStandardHelpOptions = true)
final class InspectHeaderCommand implements Callable<Integer> {
  static final List<String> NAMES =
      List.of("traceparent", "b3", "x-amzn-trace-id", "x-forwarded-client-cert", "client-cert",
          "client-cert-chain");

  private static final List<String> CREDENTIAL_HEADERS =
      List.of("authorization", "proxy-authorization", "dpop", "cookie", "set-cookie");
  /** An RFC 9110 field name of a sensible length: safe to repeat in a message. */
  private static final java.util.regex.Pattern HEADER_NAME =
      java.util.regex.Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,40}");

  @ParentCommand IdentityLogCli root;

  @Mixin FormatOption format;

  @Parameters(index = "0", paramLabel = "NAME", description = "The header name, in any case.")
  String name;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The header value.")
  String value;

  @Override
  public Integer call() {
    String header = name.strip().toLowerCase(Locale.ROOT);
    List<IdentityEvent> results;
    switch (header) {
      case "traceparent":
        TraceContext parsed = TraceParent.parse(value, null);
        if (parsed == null) {
          throw new CliException("invalid traceparent: " + TraceparentProblem.of(value));
        }
        results = List.of(trace(parsed, header));
        break;
      case "b3":
        results = List.of(trace(B3.parseSingle(value), header));
        break;
      case "x-amzn-trace-id":
        results = List.of(trace(AmznTraceId.parse(value), header));
        break;
      case "x-forwarded-client-cert":
        results = xfcc();
        break;
      case "client-cert":
        byte[] der = ClientCertHeader.parseCert(value);
        if (der == null) {
          throw new CliException("invalid client-cert: expected an RFC 8941 byte sequence :base64:");
        }
        results = List.of(certificate(der, "client-cert"));
        break;
      case "client-cert-chain":
        List<byte[]> chain = ClientCertHeader.parseChain(value);
        if (chain == null || chain.isEmpty()) {
          throw new CliException(
              "invalid client-cert-chain: expected a list of RFC 8941 byte sequences :base64:");
        }
        results = new ArrayList<>();
        for (byte[] d : chain) {
          results.add(certificate(d, "client-cert-chain"));
        }
        break;
      default:
        throw unknownHeader(header);
    }
    Output out = format.open(root.out);
    results.forEach(out::event);
    out.finish();
    return IdentityLogCli.OK;
  }

  /**
   * Names the header only when it has the shape of a header name (a credential pasted in its
   * place must not be echoed), and points credential headers to the command that reads them.
   */
  private static CliException unknownHeader(String header) {
    String h = header.endsWith(":") ? header.substring(0, header.length() - 1) : header;
    if (CREDENTIAL_HEADERS.contains(h)) {
      return new CliException(h + " is a credential header, not inspected here: use inspect-token"
          + " for a Bearer or DPoP value (quoted, or as Bearer TOKEN)");
    }
    String shown = HEADER_NAME.matcher(h).matches() ? "unknown header " + h : "unknown header ("
        + UsageMessages.NOT_SHOWN + ")";
    return new CliException(shown + ": expected one of " + String.join(", ", NAMES));
  }

  private static IdentityEvent trace(TraceContext context, String header) {
    if (context == null) {
      throw new CliException("invalid " + header + " value");
    }
    return IdentityEvent.builder()
        .set(Fields.TRACE_ID, context.traceId())
        .set(Fields.SPAN_PARENT_ID, context.parentSpanId())
        .set(Fields.TRACE_ORIGIN, context.origin())
        .build();
  }

  private List<IdentityEvent> xfcc() {
    XfccParseResult parsed = Xfcc.parse(value);
    if (parsed.error() != null) {
      throw new CliException("invalid x-forwarded-client-cert: " + parsed.error());
    }
    if (parsed.elements().isEmpty()) {
      throw new CliException("invalid x-forwarded-client-cert: no element");
    }
    List<IdentityEvent> out = new ArrayList<>();
    for (XfccElement e : parsed.elements()) {
      IdentityEvent.Builder b = IdentityEvent.builder();
      ForwardedCertificates.applyXfcc(b, e, null);
      out.add(b.build());
    }
    return out;
  }

  private static IdentityEvent certificate(byte[] der, String header) {
    CertificateFacts facts;
    try {
      facts = CertificateFacts.of(Certificates.parseDer(der));
    } catch (Exception e) {
      throw new CliException("invalid " + header + ": " + ErrorHandler.oneLine(e));
    }
    IdentityEvent.Builder b = facts.applyClient(IdentityEvent.builder());
    b.set(Fields.CERT_SOURCE, CertSource.CLIENT_CERT);
    return b.build();
  }
}
