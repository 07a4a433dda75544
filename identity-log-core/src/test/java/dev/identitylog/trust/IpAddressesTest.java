package dev.identitylog.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {
  /** RFC 5952 section 4 recommendations, and IPv4. */
  @ParameterizedTest
  @CsvSource({
      "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
      "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
      "2001:db8::1, 2001:db8::1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // a single zero group is not compressed
      "2001:0:0:1:0:0:0:1, 2001:0:0:1::1", // the longest run is compressed
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", // the first of equal runs
      "2001:DB8::AAAA, 2001:db8::aaaa", // lowercase
      "0:0:0:0:0:0:0:0, ::",
      "::, ::",
      "::1, ::1",
      "1::, 1::",
      "::ffff:192.0.2.1, 192.0.2.1", // mapped, written as IPv4
      "::ffff:c000:0201, 192.0.2.1",
      "::192.0.2.1, ::c000:201", // IPv4-compatible (deprecated) stays IPv6
      "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
      "fe80::1:2:3:4, fe80::1:2:3:4",
      "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
      "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
      "192.0.2.1, 192.0.2.1",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
  })
  void normalizes(String input, String expected) throws Exception {
    assertThat(IpAddresses.normalize(input)).isEqualTo(expected);
    // the bytes agree with the JDK's reading of the same literal (literals are never resolved)
    byte[] ours = IpAddresses.parse(input);
    byte[] jdk = InetAddress.getByName(input).getAddress();
    if (ours.length == 16 && jdk.length == 4) {
      assertThat(IpAddresses.isV4Mapped(ours)).isTrue();
    } else {
      assertThat(ours).isEqualTo(jdk);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
      "1.2.3.-4", "1.2.3.a", ":", ":::", "1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
      ":1::", "1:2:3:4:5:6:7:", "g::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
      "[::1]", "::1%eth0", "localhost", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
  })
  void rejects(String input) {
    assertThat(IpAddresses.parse(input)).isNull();
  }

  @Test
  void peerFormsAreAccepted() {
    assertThat(IpAddresses.normalize("[2001:db8::1]")).isEqualTo("2001:db8::1");
    assertThat(IpAddresses.normalize("fe80::1%eth0")).isEqualTo("fe80::1");
    assertThat(IpAddresses.normalize("[fe80::1%25en0]")).isEqualTo("fe80::1");
    assertThat(IpAddresses.normalize("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(IpAddresses.normalize("192.0.2.1%1")).isNull();
    assertThat(IpAddresses.normalize(null)).isNull();
    assertThat(IpAddresses.parse(null)).isNull();
  }

  @Test
  void formatRefusesOtherLengths() {
    assertThatThrownBy(() -> IpAddresses.format(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
