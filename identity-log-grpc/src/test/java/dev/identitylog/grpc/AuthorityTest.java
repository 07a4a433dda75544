package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorityTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "localhost:8443, localhost, 8443",
        "orders.internal, orders.internal, -1",
        "[::1]:50051, ::1, 50051",
        "[2001:db8::7], 2001:db8::7, -1",
        "user@example.org:443, example.org, 443",
        "example.org:http, example.org, -1",
        "example.org:70000, example.org, -1",
        "example.org:, example.org, -1",
        "::1, ::1, -1",
        "null, null, -1",
        "'', null, -1"
      })
  void hostAndPort(String authority, String host, int port) {
    assertThat(Authority.host(authority)).isEqualTo(host);
    assertThat(Authority.port(authority)).isEqualTo(port);
  }
}
