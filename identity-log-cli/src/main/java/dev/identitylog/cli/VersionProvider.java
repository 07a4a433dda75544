package dev.identitylog.cli;

import dev.identitylog.event.Fields;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: this build's version and the version of the event standard it speaks. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {
      "identity-log " + version() + " (identity event schema " + Fields.SCHEMA_VERSION + ")"
    };
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    String v = p.getProperty("version");
    return v == null || v.isEmpty() || v.startsWith("${") ? "unknown" : v;
  }
}
