package dev.identitylog.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.OkHttp;
import org.junit.jupiter.api.Test;

/**
 * The build runs the suites once against OkHttp 5 and once against OkHttp 4; this test proves
 * which one is really on the class path, so a misconfigured build cannot pass for both.
 */
class OkHttpVersionTest {
  @Test
  void theOkHttpOnTheClassPathIsTheOneThisRunIsFor() throws Exception {
    String expected = System.getProperty("identitylog.test.okhttp.version");
    // Read at run time: the constant would otherwise be inlined from the compile-time OkHttp.
    String actual = (String) OkHttp.class.getField("VERSION").get(null);
    assertThat(expected).as("the build sets the expected OkHttp version").isNotBlank();
    assertThat(actual).isEqualTo(expected);
  }
}
