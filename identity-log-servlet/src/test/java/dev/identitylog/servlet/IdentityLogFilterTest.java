package dev.identitylog.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.connector.ClientAbortException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The filter driven on the calling thread, for what a real container cannot easily show. */
class IdentityLogFilterTest {
  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log = IdentityLog.builder().serviceName("orders").addSink(sink).build();
  private final Fakes http = new Fakes();

  @AfterEach
  void clean() {
    MDC.clear();
  }

  @Test
  void theRequestIsBoundWhileTheChainRunsAndUnboundAfter() throws Exception {
    MDC.put("tenant", "acme"); // the application's own MDC entries are left alone
    http.requestHeaders.put("x-request-id", "rid-1");
    Map<String, Object> seen = new HashMap<>();
    FilterChain chain = (req, res) -> {
      seen.put("mdc.trace", MDC.get("trace.id"));
      seen.put("mdc.span", MDC.get("span.id"));
      seen.put("mdc.request", MDC.get("identity.request.id"));
      seen.put("current", RequestIdentity.current());
      seen.put("attribute", req.getAttribute(RequestIdentity.ATTRIBUTE));
    };

    IdentityLogFilter.builder(log).build().doFilter(http.request(), http.response(), chain);

    IdentityEvent event = sink.single();
    assertThat(seen.get("mdc.trace")).isEqualTo(event.get(Fields.TRACE_ID));
    assertThat(seen.get("mdc.span")).isEqualTo(event.get(Fields.SPAN_ID));
    assertThat(seen.get("mdc.request")).isEqualTo("rid-1");
    assertThat(seen.get("current")).isSameAs(seen.get("attribute"));
    assertThat(((RequestIdentity) seen.get("current")).isRecording()).isTrue();
    // Removed after the request.
    assertThat(MDC.get("trace.id")).isNull();
    assertThat(MDC.get("span.id")).isNull();
    assertThat(MDC.get("identity.request.id")).isNull();
    assertThat(MDC.get("tenant")).isEqualTo("acme");
    assertThat(RequestIdentity.current().isRecording()).isFalse();
    assertThat(http.responseHeaders).containsEntry("x-request-id", "rid-1");
    assertThat(event.get(Fields.URL_PATH)).isEqualTo("/orders/7");
    assertThat(event.get(Fields.NETWORK_PEER_ADDRESS)).isEqualTo("192.0.2.10");
    assertThat(event.get(Fields.SERVER_ADDRESS)).isEqualTo("orders.test");
    assertThat(event.get(Fields.SERVER_PORT)).isEqualTo(8443L);
  }

  @Test
  void onlyHeadersThatArePresentAreEnumerated() throws Exception {
    // The core asks for some twenty headers; enumerating the lines of each (an allocation and a
    // scan of all fields on Jetty 12) cost every request more than the rest of the lookups.
    http.requestHeaders.put("x-request-id", "rid-1");
    http.requestHeaders.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    IdentityLogFilter.builder(log).build().doFilter(http.request(), http.response(), (q, r) -> {});

    IdentityEvent event = sink.single();
    assertThat(event.get(Fields.REQUEST_ID)).isEqualTo("rid-1");
    assertThat(event.get(Fields.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(http.headerEnumerations).isEqualTo(2);
  }

  @Test
  void aRequestOfAContainerNotKnownToListNamesCheaplyIsAskedNameByName() throws Exception {
    // Jetty 12 builds sets for every getHeaderNames (measured: more than twice the time of asking
    // for each of the core's names); only Tomcat's own request is listed.
    http.requestHeaders.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    HttpServletRequest request = http.request();

    IdentityLogFilter.builder(log).build().doFilter(request, http.response(), (q, r) -> {});

    assertThat(sink.single().get(Fields.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(http.headerNameListings).isZero();
    assertThat(new ServletInboundRequest(request).headerNames()).isNull();
    assertThat(new ServletInboundRequest(new HttpServletRequestWrapper(request)).headerNames())
        .as("a wrapper may answer getHeader for names it does not list")
        .isNull();
    assertThat(http.headerNameListings).isZero();
  }

  @Test
  void theChallengeIsReadOnlyForTheStatusesItCanExplain() throws Exception {
    IdentityLogFilter filter = IdentityLogFilter.builder(log).build();
    http.responseHeaders.put("www-authenticate", "Bearer error=\"insufficient_scope\"");

    filter.doFilter(http.request(), http.response(), (q, r) -> {});
    assertThat(http.responseHeaderReads).isEmpty();

    http.attributes.clear(); // a new request
    filter.doFilter(http.request(), http.response(),
        (q, r) -> ((HttpServletResponse) r).setStatus(403));
    assertThat(http.responseHeaderReads).containsExactly("WWW-Authenticate");
    assertThat(sink.events().get(1).get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
  }

  @Test
  void aPlainHttpRequestReadsTheCertificateAttributeAndNoOtherTlsAttribute() throws Exception {
    // Jetty answers each attribute look-up through several layers of maps; on a request without
    // a handshake the protocol and cipher attributes cannot say anything, so they are not read.
    http.attributes.put(ServletInboundRequest.CIPHER_SUITE_ATTRIBUTE, "TLS_AES_128_GCM_SHA256");
    http.attributes.put(ServletInboundRequest.SECURE_PROTOCOL_ATTRIBUTE, "TLSv1.3");

    IdentityLogFilter.builder(log).build().doFilter(http.request(), http.response(), (q, r) -> {});

    IdentityEvent event = sink.single();
    assertThat(event.get(Fields.TLS_CIPHER)).isNull();
    assertThat(event.get(Fields.TLS_PROTOCOL_VERSION)).isNull();
    assertThat(http.attributeReads)
        .contains(ServletInboundRequest.CERTIFICATE_ATTRIBUTE)
        .doesNotContain(
            ServletInboundRequest.CIPHER_SUITE_ATTRIBUTE,
            ServletInboundRequest.SECURE_PROTOCOL_ATTRIBUTE,
            JettySslSession.ATTRIBUTE);
  }

  @Test
  void aSecureRequestOrOneCarryingACertificateHasItsTlsAttributesRead() throws Exception {
    http.attributes.put(ServletInboundRequest.CIPHER_SUITE_ATTRIBUTE, "TLS_AES_128_GCM_SHA256");
    http.attributes.put(ServletInboundRequest.SECURE_PROTOCOL_ATTRIBUTE, "TLSv1.3");
    IdentityLogFilter filter = IdentityLogFilter.builder(log).build();
    http.secure = true;

    filter.doFilter(http.request(), http.response(), (q, r) -> {});

    // Spring's MockMvc x509() sets the certificate on a request that is not secure.
    http.secure = false;
    http.attributes.remove(RequestIdentity.ATTRIBUTE); // a new request
    http.attributes.remove(IdentityLogFilter.STATE_ATTRIBUTE);
    X509Certificate certificate =
        TestPki.create("CN=Fake Root 3c1,O=Example Trust")
            .issue(TestPki.leaf("CN=carol-3c1,O=Example Customers"))
            .certificate();
    http.attributes.put(
        ServletInboundRequest.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {certificate});
    filter.doFilter(http.request(), http.response(), (q, r) -> {});

    assertThat(sink.events()).hasSize(2);
    for (IdentityEvent event : sink.events()) {
      assertThat(event.get(Fields.TLS_CIPHER)).isEqualTo("TLS_AES_128_GCM_SHA256");
      assertThat(event.get(Fields.TLS_PROTOCOL_VERSION)).isEqualTo("1.3");
    }
    assertThat(sink.events().get(1).get(Fields.TLS_CLIENT_SUBJECT)).isNotNull();
  }

  @Test
  void aRequestSetsOneAttributeAndReadsNoneOfItsOwnButTheMarker() throws Exception {
    IdentityLogFilter.builder(log).build().doFilter(http.request(), http.response(), (q, r) -> {});

    assertThat(sink.events()).hasSize(1);
    assertThat(http.attributeWrites).isEqualTo(1);
    assertThat(http.attributes).containsOnlyKeys(RequestIdentity.ATTRIBUTE);
    assertThat(http.attributeReads).doesNotContain(IdentityLogFilter.STATE_ATTRIBUTE);
  }

  @Test
  void somethingElseUnderTheAttributeNameDoesNotStopTheRecord() throws Exception {
    http.attributes.put(RequestIdentity.ATTRIBUTE, "not a record");

    IdentityLogFilter.builder(log).build().doFilter(http.request(), http.response(), (q, r) -> {});

    assertThat(sink.events()).hasSize(1);
  }

  @Test
  void theApplicationsExceptionIsRethrownAsItWasAndLoggedAs500() {
    IOException thrown = new IOException("disk full");
    http.status = 401; // set before failing: the container still answers 500
    FilterChain chain = (req, res) -> {
      throw thrown;
    };

    assertThatThrownBy(() -> IdentityLogFilter.builder(log).build()
        .doFilter(http.request(), http.response(), chain)).isSameAs(thrown);

    IdentityEvent event = sink.single();
    assertThat(event.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(500L);
    assertThat(event.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(MDC.get("trace.id")).isNull();
  }

  @Test
  void statusAfterAnException() {
    HttpServletResponse response = http.response();
    RuntimeException error = new IllegalStateException();
    http.status = 200;
    http.committed = true;
    assertThat(Completion.status(response, error)).isEqualTo(500); // still the default
    http.status = 206;
    assertThat(Completion.status(response, error)).isEqualTo(206); // already sent
    assertThat(Completion.status(response, null)).isEqualTo(206);
    http.committed = false;
    assertThat(Completion.status(response, error)).isEqualTo(500); // will be replaced
    assertThat(Completion.status(response, new UnavailableException("x", 5))).isEqualTo(503);
    assertThat(Completion.status(response, new UnavailableException("x"))).isEqualTo(404);
  }

  @Test
  void aClientThatWentAwayIsAnAbortNotAServerError() {
    assertThat(Completion.isClientAbort(new ClientAbortException("reset"))).isTrue();
    assertThat(Completion.isClientAbort(new IOException("wrapped", new EofException("eof")))).isTrue();
    assertThat(Completion.isClientAbort(new IOException("disk full"))).isFalse();
    assertThat(Completion.isClientAbort(new RuntimeException(new IllegalStateException()))).isFalse();

    FilterChain chain = (req, res) -> {
      throw new ClientAbortException(new IOException("Broken pipe"));
    };
    assertThatThrownBy(() -> IdentityLogFilter.builder(log).build()
        .doFilter(http.request(), http.response(), chain)).isInstanceOf(ClientAbortException.class);

    IdentityEvent event = sink.single();
    assertThat(event.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(event.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(event.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
  }

  @Test
  void containerObjectsThatThrowNeitherFailTheRequestNorLoseTheEvent() throws Exception {
    http.failing.addAll(List.of("getHeader", "getRequestURI", "getHttpServletMapping", "getStatus"));
    AtomicInteger ran = new AtomicInteger();

    IdentityLogFilter.builder(log).build()
        .doFilter(http.request(), http.response(), (req, res) -> ran.incrementAndGet());

    assertThat(ran).hasValue(1);
    IdentityEvent event = sink.single();
    assertThat(event.get(Fields.HTTP_REQUEST_METHOD)).isEqualTo("GET");
    assertThat(event.get(Fields.URL_PATH)).isNull();
    assertThat(event.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(event.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.UNKNOWN);
    assertThat(log.internalErrors()).isEqualTo(1);
  }

  @Test
  void aFatalErrorIsRethrownNotSwallowed() {
    http.failing.add("getAttribute");
    http.fatal = new OutOfMemoryError("simulated");
    AtomicInteger ran = new AtomicInteger();

    assertThatThrownBy(
            () -> IdentityLogFilter.builder(log).build()
                .doFilter(http.request(), http.response(), (req, res) -> ran.incrementAndGet()))
        .isSameAs(http.fatal);
    assertThat(ran).hasValue(0);
    assertThat(log.internalErrors()).isZero();
  }

  @Test
  void whenTheRequestRefusesAttributesTheApplicationStillRunsAndIsLogged() throws Exception {
    http.failing.addAll(List.of("getAttribute", "setAttribute", "setHeader"));
    AtomicReference<RequestIdentity> during = new AtomicReference<>();

    IdentityLogFilter.builder(log).build()
        .doFilter(http.request(), http.response(), (req, res) -> during.set(RequestIdentity.current()));

    assertThat(during.get().isRecording()).isTrue();
    assertThat(sink.single().get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    // reading the marker, setting it, echoing the id, reading a framework's route
    assertThat(log.internalErrors()).isEqualTo(4);
    assertThat(RequestIdentity.current().isRecording()).isFalse();
  }

  @Test
  void internalFailuresAreLoggedAtWarnAtMostOncePerInterval() throws Exception {
    ch.qos.logback.classic.Logger internal =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("identity.internal");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    internal.addAppender(appender);
    try {
      http.failing.add("setHeader");
      IdentityLogFilter filter = IdentityLogFilter.builder(log).build();
      for (int i = 0; i < 5; i++) {
        filter.doFilter(http.request(), http.response(), (req, res) -> {});
        http.attributes.clear();
      }
      assertThat(sink.events()).hasSize(5);
      assertThat(log.internalErrors()).isEqualTo(5);
      assertThat(appender.list).hasSize(1);
      assertThat(appender.list.get(0).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(appender.list.get(0).getFormattedMessage()).contains("echoing the request id");
    } finally {
      internal.detachAppender(appender);
    }
  }

  @Test
  void aSecondPassOfTheSameRequestIsNotLoggedAgain() throws Exception {
    IdentityLogFilter filter = IdentityLogFilter.builder(log).build();
    AtomicReference<Object> inner = new AtomicReference<>();
    FilterChain chain = (req, res) -> {
      // A forward or include runs the filter again with the same request.
      filter.doFilter(req, res, (req2, res2) -> inner.set(RequestIdentity.current()));
    };

    filter.doFilter(http.request(), http.response(), chain);

    assertThat(sink.events()).hasSize(1);
    assertThat(inner.get()).isSameAs(http.attributes.get(RequestIdentity.ATTRIBUTE));
  }

  @Test
  void theEchoHeaderCanBeRenamedOrTurnedOff() throws Exception {
    http.requestHeaders.put("x-request-id", "rid-2");
    IdentityLogFilter.builder(log).echoRequestIdHeader("X-Correlation-ID").build()
        .doFilter(http.request(), http.response(), (req, res) -> {});
    assertThat(http.responseHeaders).containsOnlyKeys("x-correlation-id");

    Fakes other = new Fakes();
    IdentityLogFilter.builder(log).echoRequestIdHeader(null).build()
        .doFilter(other.request(), other.response(), (req, res) -> {});
    assertThat(other.responseHeaders).isEmpty();
  }

  @Test
  void aFilterMadeByTheContainerIsInertUntilInitialized() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    new IdentityLogFilter().doFilter(http.request(), http.response(), (req, res) -> ran.incrementAndGet());
    assertThat(ran).hasValue(1);
    assertThat(http.responseHeaders).isEmpty();
  }

  @Test
  void aBuiltFilterIgnoresInitParameters() throws Exception {
    IdentityLogFilter filter = IdentityLogFilter.builder(log).build();
    filter.init(config(Map.of(IdentityLogFilter.SERVICE_NAME, "other", IdentityLogFilter.HOP_LAYER, "nonsense")));
    filter.doFilter(http.request(), http.response(), (req, res) -> {});
    assertThat(sink.single().get(Fields.SERVICE_NAME)).isEqualTo("orders");
  }

  @Test
  void initParametersThatCannotBeUnderstoodFailTheDeployment() {
    assertThatThrownBy(() -> new IdentityLogFilter().init(config(Map.of(IdentityLogFilter.HOP_LAYER, "edge"))))
        .isInstanceOf(ServletException.class).hasMessageContaining("hop-layer");
    assertThatThrownBy(() -> new IdentityLogFilter().init(config(Map.of(IdentityLogFilter.TRUSTED_PROXIES, "10.0.0.0/99"))))
        .isInstanceOf(ServletException.class).hasMessageContaining("trusted-proxies");
    assertThatThrownBy(() -> new IdentityLogFilter().init(config(Map.of(IdentityLogFilter.STRICT_FORWARDING, "yes"))))
        .isInstanceOf(ServletException.class).hasMessageContaining("strict-forwarding");
    assertThatThrownBy(() -> new IdentityLogFilter().init(
        config(Map.of(IdentityLogFilter.CLIENT_CERT_TRUST_ANCHORS, "/nonexistent/anchors.pem"))))
        .isInstanceOf(ServletException.class).hasMessageContaining("client-cert-trust-anchors");
  }

  @Test
  void initParameterDefaults() {
    InitParameters none = InitParameters.read(name -> null);
    assertThat(none.identityLog().serviceName()).isEqualTo("unknown_service");
    assertThat(none.identityLog().requestIdHeader()).isEqualTo("X-Request-ID");
    assertThat(none.echoRequestIdHeader()).isEqualTo("X-Request-ID");

    InitParameters renamed = InitParameters.read(
        Map.of(IdentityLogFilter.REQUEST_ID_HEADER, "X-Correlation")::get);
    assertThat(renamed.echoRequestIdHeader()).isEqualTo("X-Correlation");

    InitParameters off = InitParameters.read(Map.of(IdentityLogFilter.ECHO_REQUEST_ID_HEADER, "none")::get);
    assertThat(off.echoRequestIdHeader()).isNull();
    InitParameters empty = InitParameters.read(Map.of(IdentityLogFilter.ECHO_REQUEST_ID_HEADER, " ")::get);
    assertThat(empty.echoRequestIdHeader()).isNull();
  }

  @Test
  void builderNeedsAnIdentityLog() {
    assertThatThrownBy(() -> IdentityLogFilter.builder(null)).isInstanceOf(NullPointerException.class);
  }

  private static FilterConfig config(Map<String, String> parameters) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "identity-log";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return parameters.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(parameters.keySet());
      }
    };
  }
}
