package dev.identitylog.spring.boot;

import com.nimbusds.jose.jwk.JWKSet;
import dev.identitylog.IdentityLog;
import dev.identitylog.cert.CertificateParseException;
import dev.identitylog.cert.Certificates;
import dev.identitylog.emit.EventSink;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.redact.Limits;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * Builds the {@link IdentityLog} from {@link IdentityLogProperties}. A property that cannot be
 * understood fails the application's start, with a message naming the property and never its
 * value (keys are secrets), so a typo is not discovered as missing identity in production logs.
 */
final class IdentityLogFactory {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityLogFactory.class);

  /** A JWK set is a few kilobytes; anything far larger is not one. */
  private static final int MAX_JWK_SET_BYTES = 512 * 1024;

  private static final int JWK_SET_TIMEOUT_MILLIS = 5_000;

  private IdentityLogFactory() {}

  static IdentityLog.Builder builder(
      IdentityLogProperties p,
      String applicationName,
      Stream<EventSink> sinks,
      OpenTelemetry openTelemetry) {
    IdentityLog.Builder b = IdentityLog.builder();
    String service = StringUtils.hasText(p.getServiceName()) ? p.getServiceName() : applicationName;
    if (StringUtils.hasText(service)) {
      b.serviceName(service);
    }
    b.hopLayer(p.getHopLayer());
    b.requestIdHeader(p.getRequestIdHeader());
    if (!p.getTrustedProxies().isEmpty()) {
      b.trustedProxies(
          property("identity-log.trusted-proxies", () -> TrustedProxies.parse(String.join(",", p.getTrustedProxies()))));
    }
    b.strictForwarding(p.isStrictForwarding());
    b.peerCertificatesVerified(p.isPeerCertificatesVerified());
    if (StringUtils.hasText(p.getSslClientCertHeader())) {
      b.sslClientCertHeader(p.getSslClientCertHeader());
    }
    Resource anchors = p.getClientCert().getTrustAnchors();
    if (anchors != null) {
      b.clientCertTrustAnchors(trustAnchors(anchors));
    }
    b.tokenInspector(tokenInspector(p.getToken()));
    IdentityLogProperties.Limits l = p.getLimits();
    b.limits(
        property(
            "identity-log.limits",
            () -> Limits.of(l.getMaxStringLength(), l.getMaxArraySize(), l.getMaxHeaderBytes())));
    sinks.forEach(b::addSink);
    if (openTelemetry != null) {
      b.openTelemetry(openTelemetry);
    }
    if (p.getAsync().isEnabled()) {
      b.emitAsynchronously(
          property("identity-log.async.queue-capacity", () -> checkPositive(p.getAsync().getQueueCapacity())));
    }
    IdentityLogProperties.Restricted r = p.getRestricted();
    if (r.isEnabled()) {
      if (!StringUtils.hasText(r.getPseudonymKey())) {
        throw new IllegalStateException("identity-log.restricted.pseudonym-key is required when"
            + " identity-log.restricted.enabled=true");
      }
      byte[] key = hexKey("identity-log.restricted.pseudonym-key", r.getPseudonymKey());
      b.restrictedFields(
          property(
              "identity-log.restricted",
              () -> RestrictedFields.toLogger(r.getLogger()).pseudonymKey(key).build()));
    }
    return b;
  }

  private static TokenInspector tokenInspector(IdentityLogProperties.Token t) {
    TokenInspector.Builder b = TokenInspector.builder();
    if (StringUtils.hasText(t.getHashKey())) {
      byte[] key = hexKey("identity-log.token.hash-key", t.getHashKey());
      property("identity-log.token.hash-key", () -> b.hashKey(key));
    }
    if (!t.getAllowedClaims().isEmpty()) {
      property("identity-log.token.allowed-claims", () -> b.allowClaims(t.getAllowedClaims()));
    }
    JWKSet keys = null;
    if (t.getJwkSet() != null) {
      keys = jwkSet(t.getJwkSet());
    } else if (StringUtils.hasText(t.getJwkSetUri())) {
      keys = remoteJwkSet(t.getJwkSetUri());
    }
    if (keys != null) {
      b.verificationKeys(keys);
    }
    return b.build();
  }

  private static JWKSet jwkSet(Resource resource) {
    try (InputStream in = resource.getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_JWK_SET_BYTES + 1);
      if (bytes.length > MAX_JWK_SET_BYTES) {
        throw new IllegalStateException("identity-log.token.jwk-set: larger than " + MAX_JWK_SET_BYTES + " bytes");
      }
      return JWKSet.parse(new String(bytes, StandardCharsets.UTF_8)).toPublicJWKSet();
    } catch (IOException | java.text.ParseException e) {
      throw new IllegalStateException("identity-log.token.jwk-set: cannot read a JWK set from " + resource.getDescription(), e);
    }
  }

  /**
   * Read once: a key server that is down at startup must not keep the application from starting,
   * so tokens are then logged without {@code identity.token.verified}.
   */
  private static JWKSet remoteJwkSet(String uri) {
    try {
      return JWKSet.load(URI.create(uri).toURL(), JWK_SET_TIMEOUT_MILLIS, JWK_SET_TIMEOUT_MILLIS, MAX_JWK_SET_BYTES)
          .toPublicJWKSet();
    } catch (IOException | java.text.ParseException | IllegalArgumentException e) {
      LOG.warn("identity-log: the JWK set at identity-log.token.jwk-set-uri could not be read ({});"
          + " token signatures are not checked", e.getClass().getSimpleName());
      return null;
    }
  }

  private static List<X509Certificate> trustAnchors(Resource resource) {
    try (InputStream in = resource.getInputStream()) {
      List<X509Certificate> certificates = Certificates.parse(in.readNBytes(4 * 1024 * 1024));
      if (certificates.isEmpty()) {
        throw new IllegalStateException("identity-log.client-cert.trust-anchors: no certificate in " + resource.getDescription());
      }
      return certificates;
    } catch (IOException | CertificateParseException e) {
      throw new IllegalStateException(
          "identity-log.client-cert.trust-anchors: cannot read certificates from " + resource.getDescription(), e);
    }
  }

  private static byte[] hexKey(String name, String hex) {
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex.strip());
    } catch (IllegalArgumentException e) {
      // Not e: its message would quote the key.
      throw new IllegalStateException(name + " must be hexadecimal");
    }
    if (key.length < RestrictedFields.MIN_KEY_BYTES) {
      throw new IllegalStateException(name + " must be at least " + RestrictedFields.MIN_KEY_BYTES + " bytes");
    }
    return key;
  }

  private static int checkPositive(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("must be positive: " + value);
    }
    return value;
  }

  private static <T> T property(String name, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }
}
