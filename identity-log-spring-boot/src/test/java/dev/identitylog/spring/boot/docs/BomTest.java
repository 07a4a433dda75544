package dev.identitylog.spring.boot.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM has no parent (it must not export the parent's third-party versions), so the Logback
 * version it gives applications is written there a second time: it must stay the one the project
 * builds and tests with.
 */
class BomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LOGBACK = Pattern.compile("<logback\\.version>([^<]+)</logback\\.version>");

  @Test
  void theBomGivesTheLogbackTheProjectTestsWith() throws Exception {
    String bom = Files.readString(ROOT.resolve("identity-log-bom/pom.xml"), StandardCharsets.UTF_8);
    assertThat(version(bom)).isEqualTo(version(Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8)));
    assertThat(bom).contains("<artifactId>logback-classic</artifactId>", "<artifactId>logback-core</artifactId>");
  }

  private static String version(String pom) {
    Matcher m = LOGBACK.matcher(pom);
    assertThat(m.find()).as("logback.version").isTrue();
    return m.group(1);
  }
}
