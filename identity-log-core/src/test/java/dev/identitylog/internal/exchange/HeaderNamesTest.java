package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.redact.Limits;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.trust.TrustedProxies;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An adapter that lists its request's header names ({@code ServerRequest.headerNames}) is asked
 * only for the known headers it lists, and the event is the same as when it is asked for each.
 */
class HeaderNamesTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final CollectingSink sink = new CollectingSink();

  private IdentityLog log(String requestIdHeader) {
    IdentityLog.Builder b =
        IdentityLog.builder()
            .serviceName("gateway")
            .clock(Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC))
            .trustedProxies(TrustedProxies.parse("192.0.2.0/24"))
            .addSink(sink);
    if (requestIdHeader != null) {
      b.requestIdHeader(requestIdHeader);
    }
    return b.build();
  }

  /** The request of the load runs, with a proxy's and a CDN's headers on top. */
  private static FakeInboundRequest request() {
    return new FakeInboundRequest()
        .header("traceparent", TRACEPARENT)
        .header("Authorization", "Bearer " + TestTokens.rs256().subject("alice").sign())
        .header("X-Request-ID", "rid-7")
        .header("X-Forwarded-For", "203.0.113.9")
        .header("CF-Ray", "8f1e2d3c4b5a6978-FRA");
  }

  /** The event's line without what differs between two exchanges of one request. */
  private static String line(IdentityEvent e) {
    return JsonLineWriter.toJson(e)
        .replaceAll("\"span\\.id\":\"[0-9a-f]+\",?", "")
        .replaceAll("\"event\\.duration\":[0-9]+,?", "");
  }

  private String event(IdentityLog log, HttpServerRequest request) {
    return line(ServerExchange.start(log, request).finishHttp(200, null, null));
  }

  @Test
  void aRequestThatListsItsHeadersIsAskedOnlyForTheKnownOnesItCarries() {
    IdentityLog log = log(null);
    FakeInboundRequest fake = request();
    Listing listed = new Listing(fake, "Host", "AUTHORIZATION", "traceparent", "x-request-id",
        "X-Forwarded-For", "cf-ray", "Accept");

    String withNames = event(log, listed);

    assertThat(listed.asked)
        .containsExactlyInAnyOrder(
            "traceparent", "X-Request-ID", "CF-Ray", "X-Forwarded-For", "Authorization");
    assertThat(withNames).isEqualTo(event(log, new Listing(fake)));
    assertThat(withNames).contains("\"client.address\":\"203.0.113.9\"", "\"identity.request.id\":\"rid-7\"");
  }

  @Test
  void aRequestThatCannotListIsAskedForEveryHeader() {
    IdentityLog log = log(null);
    Listing unlisted = new Listing(request());
    unlisted.names = null;

    event(log, unlisted);

    assertThat(unlisted.asked).hasSizeGreaterThan(15).contains("cf-cert-serial", "Forwarded");
  }

  @Test
  void aListingThatThrowsOrHoldsANameOutsideAsciiSaysNothing() {
    IdentityLog log = log(null);
    Listing failing = new Listing(request(), "traceparent");
    failing.fail = true;
    String expected = event(log, new Listing(request()));

    assertThat(event(log, failing)).isEqualTo(expected);
    assertThat(failing.asked).contains("cf-cert-serial", "X-Forwarded-For");

    // U+212A KELVIN SIGN folds to "k" in Java's case-insensitive comparison, as a container's
    // look-up may; nothing is concluded from a listing that holds one.
    Listing unicode = new Listing(request(), "traceparent", "\u212Aey");
    assertThat(event(log, unicode)).isEqualTo(expected);
    assertThat(unicode.asked).contains("X-Forwarded-For");
  }

  @Test
  void aConfiguredHeaderOutsideTheKnownOnesIsAlwaysAsked() {
    IdentityLog log = log("X-Correlation-ID");
    Listing listed = new Listing(request().header("X-Correlation-ID", "corr-1"), "traceparent");

    String e = event(log, listed);

    assertThat(listed.asked).contains("X-Correlation-ID");
    assertThat(e).contains("\"identity.request.id\":\"corr-1\"");
  }

  @Test
  void aListedOversizedHeaderIsStillNamed() {
    IdentityLog log = log(null);
    String big = "x".repeat(Limits.DEFAULT_MAX_HEADER_BYTES + 1);
    Listing listed = new Listing(request().header("Forwarded", big), "forwarded", "traceparent");

    IdentityEvent e = ServerExchange.start(log, listed).finishHttp(200, null, null);

    assertThat(e.get(Fields.HEADERS_OVERSIZED)).containsExactly("forwarded");
  }

  /** A request that lists the given names (any case) and records what the core asks for. */
  private static final class Listing implements HttpServerRequest {
    private final FakeInboundRequest request;
    List<String> names;
    boolean fail;
    final List<String> asked = new ArrayList<>();

    Listing(FakeInboundRequest request, String... names) {
      this.request = request;
      this.names = names.length == 0 ? null : List.of(names);
    }

    @Override
    public Iterator<String> headerNames() {
      if (fail) {
        throw new IllegalStateException("no names");
      }
      return names == null ? null : names.iterator();
    }

    @Override
    public String header(String name) {
      asked.add(name);
      return request.header(name);
    }

    @Override
    public String method() {
      return request.method();
    }

    @Override
    public String path() {
      return request.path();
    }

    @Override
    public String peerAddress() {
      return request.peerAddress();
    }

    @Override
    public String serverAddress() {
      return request.serverAddress();
    }

    @Override
    public int serverPort() {
      return request.serverPort();
    }
  }
}
