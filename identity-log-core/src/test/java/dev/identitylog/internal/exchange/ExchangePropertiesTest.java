package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.context.Scope;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.trust.TrustedProxies;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.slf4j.LoggerFactory;

/**
 * Whatever arrives in the headers a hop reads, the exchange never throws, and its event is one
 * line that the published JSON Schema accepts. The peer is a trusted proxy, so that every
 * forwarded-identity parser runs too.
 */
class ExchangePropertiesTest {
  private static final List<String> HEADERS =
      List.of(
          "traceparent", "tracestate", "b3", "X-B3-TraceId", "X-B3-SpanId", "X-Amzn-Trace-Id",
          "X-Request-ID", "Authorization", "x-forwarded-client-cert", "Client-Cert",
          "Client-Cert-Chain", "Forwarded", "X-Forwarded-For", "X-SSL-Client-Cert", "CF-Ray",
          "cf-cert-presented", "cf-cert-fingerprint-sha256", "cf-cert-serial",
          "cf-cert-subject-dn-rfc2253");

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder()
          .serviceName("edge")
          .trustedProxies(TrustedProxies.parse("192.0.2.0/24"))
          .sslClientCertHeader("X-SSL-Client-Cert")
          .addSink(sink)
          .build();

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withChars("0123456789abcdefABCDEF-=;,:\"\\ \t\r\n\u2028./+").ofMaxLength(120),
        Arbitraries.strings().all().ofMinLength(16_000).ofMaxLength(20_000),
        Arbitraries.of(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "By=spiffe://e/x;Hash=" + "ab".repeat(32) + ";URI=spiffe://example.org/w;DNS=a",
            "Bearer a.b.c", "Bearer " + "x".repeat(40), "DPoP ..", "for=\"[2001:db8::1]:4711\"",
            ":AAAA:", "true"));
  }

  @Property(tries = 300)
  void anyHeadersYieldOneSchemaValidLine(
      @ForAll("hostile") String a, @ForAll("hostile") String b, @ForAll("hostile") String c) {
    FakeInboundRequest request = new FakeInboundRequest();
    int i = Math.floorMod(a.hashCode(), HEADERS.size());
    request.header(HEADERS.get(i), a);
    request.header(HEADERS.get((i + 7) % HEADERS.size()), b);
    request.header(HEADERS.get((i + 13) % HEADERS.size()), c);
    request.method = b.isEmpty() ? null : b;
    request.path = c;

    ServerExchange x = ServerExchange.start(log, request);
    x.authz(null, null, a); // hostile calls on the decision API are ignored, not thrown
    IdentityEvent e = x.finishHttp(Math.floorMod(c.hashCode(), 600), b, null);

    String line = JsonLineWriter.toJson(e);
    assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028");
    assertThat(EventSchema.validate(line)).as(line).isEmpty();
    assertThat(log.internalErrors()).isZero();
  }

  @Property(tries = 60)
  void noTokenSignatureOrAuthorizationValueReachesAnyOutput(@ForAll("scopes") String scope) {
    String token = TestTokens.rs256().audiences("orders").scope(scope)
        .expiresIn(Duration.ofMinutes(5)).sign();
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String opaque = "opaque-" + Integer.toHexString(scope.hashCode()) + "-secret-value";

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger events = context.getLogger("identity.events");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    events.addAppender(appender);
    try {
      IdentityLog logged = IdentityLog.builder().addSink(Slf4jEventSink.create()).addSink(sink).build();
      for (String authorization : List.of("Bearer " + token, "DPoP " + token, "Bearer " + opaque,
          "Basic dXNlcjpwYXNzd29yZA==")) {
        ServerExchange x = ServerExchange.start(logged, new FakeInboundRequest()
            .header("Authorization", authorization)
            .header("Cookie", "session=" + opaque)
            .header("Proxy-Authorization", "Basic " + opaque));
        ClientExchange call;
        try (Scope ignored = x.makeCurrent()) {
          call = ClientExchange.start(logged, new HttpClientRequest() {
            @Override
            public String method() {
              return null;
            }

            @Override
            public String url() {
              return "https://api.example/x?access_token=" + opaque;
            }

            @Override
            public String authorization() {
              return authorization;
            }
          }, ServerExchange.current());
        }
        call.finishHttp(401, null);
        x.finishHttp(401, "Bearer error=\"invalid_token\"", null);
      }
      StringBuilder everything = new StringBuilder();
      sink.events().forEach(e -> everything.append(JsonLineWriter.toJson(e)).append(e));
      appender.list.forEach(l -> everything.append(l.getFormattedMessage()).append(l.getKeyValuePairs()));
      assertThat(everything)
          .doesNotContain(token)
          .doesNotContain(signature)
          .doesNotContain(opaque)
          .doesNotContain("dXNlcjpwYXNzd29yZA==");
      assertThat(appender.list).isNotEmpty();
    } finally {
      events.detachAppender(appender);
      sink.clear();
    }
  }

  @Provide
  Arbitrary<String> scopes() {
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12))
        .as((x, y) -> x + ":read " + y);
  }
}
