package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlRedactionTest {
  @Test
  void pathParametersAreDroppedInEverySegment() {
    assertThat(UrlRedaction.stripPathParameters("/m/s13;jsessionid=ABC")).isEqualTo("/m/s13");
    assertThat(UrlRedaction.stripPathParameters("/a;x=1/b;y=2/c")).isEqualTo("/a/b/c");
    assertThat(UrlRedaction.stripPathParameters("/a;x=1/")).isEqualTo("/a/");
    assertThat(UrlRedaction.stripPathParameters(";x")).isEqualTo("");
    String plain = "/orders/42";
    assertThat(UrlRedaction.stripPathParameters(plain)).isSameAs(plain);
    assertThat(UrlRedaction.stripPathParameters(null)).isNull();
  }

  @Test
  void fullUrlsLoseQueryUserInfoAndPathParameters() {
    assertThat(UrlRedaction.stripQuery("https://u:p@h.example:8443/a;jsessionid=S/b;v=1?q=1#f"))
        .isEqualTo("https://h.example:8443/a/b");
    assertThat(UrlRedaction.stripQuery("https://h.example")).isEqualTo("https://h.example");
  }
}
