package dev.identitylog.internal.exchange;

import dev.identitylog.IdentityLog;
import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.forwarded.DistinguishedNames;
import dev.identitylog.forwarded.ForwardedCertificates;
import dev.identitylog.forwarded.ForwardedFor;
import dev.identitylog.forwarded.Xfcc;
import dev.identitylog.forwarded.XfccElement;
import dev.identitylog.forwarded.XfccParseResult;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.ServerRequest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;

/**
 * Who presented which certificate: this hop's own handshake, or a client certificate a trusted
 * proxy forwarded (XFCC, RFC 9440, a PEM header, Cloudflare's headers), and whether forwarded
 * identity came from a peer that may not send it. The peer is trusted by address or by a verified
 * certificate only, never by what its headers say.
 */
final class ForwardedIdentity {
  private ForwardedIdentity() {}

  /** What the request's certificates and forwarded headers established. */
  static final class Result {
    /** The leaf of this hop's own handshake, or null. */
    X509Certificate tlsClientCertificate;
    /** Whether the event describes a client certificate (own handshake or forwarded). */
    boolean certificatePresented;
    /** What the library's own check of the handshake's chain found, or null. */
    Reason certificateProblem;
    /** Strict forwarding: identity-bearing headers from an untrusted peer. */
    boolean reject;
  }

  /**
   * What a request with neither a certificate of its own nor a forwarded header established: the
   * usual plain-HTTP request. Shared and never written.
   */
  private static final Result NOTHING = new Result();

  static Result read(IdentityLog log, OversizedHeaders request, IdentityEvent.Builder b) {
    X509Certificate[] chain = request.peerCertificates();
    X509Certificate leaf = chain != null && chain.length > 0 ? chain[0] : null;
    // Only a proxy or CDN sends these; a request whose listed names hold none is not asked for
    // any (a configured PEM header is not in the list, so it is always asked for).
    boolean mayBeForwarded =
        request.mayHaveAny(KnownHeaders.FORWARDED) || log.sslClientCertHeader() != null;
    if (leaf == null && !mayBeForwarded) {
      return NOTHING;
    }
    Result result = new Result();
    CertificateFacts direct = null;
    if (leaf != null) {
      result.tlsClientCertificate = leaf;
      direct = log.certificateInspector().inspect(leaf);
    }
    // Checked once, whichever certificate the event ends up describing: the proxy's identity and
    // the client's own both rest on it.
    Reason problem = direct == null ? null : verifyPeer(log, chain);
    boolean forwardedCert =
        mayBeForwarded && readForwarded(log, request, b, result, direct, problem == null);
    if (!forwardedCert && direct != null) {
      direct.applyClient(b);
      b.set(Fields.CERT_SOURCE, CertSource.TLS);
      result.certificatePresented = true;
      result.certificateProblem = problem;
    }
    return result;
  }

  /**
   * Reads the forwarded headers and, from a trusted peer, the client and its certificate; flags
   * (or, strict, refuses) them from any other. True when a forwarded certificate was taken.
   */
  private static boolean readForwarded(
      IdentityLog log, ServerRequest request, IdentityEvent.Builder b, Result result,
      CertificateFacts direct, boolean directValid) {
    ForwardedHeaders fwd =
        ForwardedHeaders.read(request, log.sslClientCertHeader(), log.limits());
    if (!fwd.any()) {
      return false;
    }
    String peer = request.peerAddress();
    boolean peerVerified = direct != null && directValid && log.peerIdentityTrustUsable();
    // A SPIFFE ID or thumbprint is evidence only when a verified handshake stands behind it:
    // anyone can put any URI SAN into a self-signed certificate.
    boolean trusted =
        log.trustedProxies().trusts(
            peer, peerVerified ? direct.spiffeId() : null, peerVerified ? direct.sha256() : null);
    if (!trusted) {
      b.set(Fields.FORWARDED_UNTRUSTED, Boolean.TRUE);
      if (log.strictForwarding() && fwd.identityBearing()) {
        result.reject = true;
      }
      return false;
    }
    String by = peerVerified && direct.spiffeId() != null ? direct.spiffeId() : peer;
    boolean forwardedCert = readForwardedCertificate(fwd, b, by);
    result.certificatePresented = forwardedCert;
    // The peer is already trusted, possibly by its mTLS identity, which the address-only
    // overload cannot see: it would drop the client address a SPIFFE-trusted proxy forwards.
    String client =
        ForwardedFor.clientAddress(
            fwd.forwarded, fwd.xForwardedFor, true, log.trustedProxies(), log.limits());
    b.set(Fields.CLIENT_ADDRESS, client);
    return forwardedCert;
  }

  /**
   * What is wrong with the handshake's chain by the configured anchors, or {@code null}: also when
   * no anchors are configured (then only a declared verifying TLS layer makes it evidence).
   */
  private static Reason verifyPeer(IdentityLog log, X509Certificate[] chain) {
    if (log.clientCertVerifier() == null) {
      return null;
    }
    return log.clientCertVerifier().verify(Arrays.asList(chain), Instant.now(log.clock()));
  }

  /** Takes the client certificate a trusted proxy forwarded; true when one was found. */
  private static boolean readForwardedCertificate(
      ForwardedHeaders fwd, IdentityEvent.Builder b, String proxy) {
    if (fwd.xfcc != null) {
      XfccParseResult parsed = Xfcc.parse(fwd.xfcc);
      if (!parsed.elements().isEmpty()) {
        // The oldest element describes the original client, as the first proxy saw it.
        XfccElement e = parsed.elements().get(0);
        ForwardedCertificates.applyXfcc(b, e, proxy);
        return true;
      }
    }
    if (fwd.clientCert != null) {
      CertificateFacts facts = ForwardedCertificates.fromClientCertHeader(fwd.clientCert);
      if (facts != null) {
        facts.applyClient(b);
        b.set(Fields.CERT_SOURCE, CertSource.CLIENT_CERT);
        b.set(Fields.CERT_FORWARDED_BY, proxy);
        return true;
      }
    }
    if (fwd.sslHeader != null) {
      CertificateFacts facts = ForwardedCertificates.fromEscapedPem(fwd.sslHeader);
      if (facts != null) {
        facts.applyClient(b);
        b.set(Fields.CERT_SOURCE, CertSource.SSL_HEADER);
        b.set(Fields.CERT_FORWARDED_BY, proxy);
        return true;
      }
    }
    if (fwd.cfPresented) {
      b.set(Fields.TLS_CLIENT_SUBJECT, DistinguishedNames.toRfc2253(fwd.cfSubject));
      b.set(Fields.TLS_CLIENT_ISSUER, DistinguishedNames.toRfc2253(fwd.cfIssuer));
      b.set(Fields.TLS_CLIENT_HASH_SHA256, ForwardedCertificates.sha256Hex(fwd.cfSha256));
      b.set(Fields.TLS_CLIENT_SERIAL_NUMBER, ForwardedCertificates.serialHex(fwd.cfSerial));
      b.set(Fields.CERT_SOURCE, CertSource.CF_HEADERS);
      b.set(Fields.CERT_FORWARDED_BY, proxy);
      return true;
    }
    return false;
  }

}
