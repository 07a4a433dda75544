package dev.identitylog.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the tests mint or plant, written down so that the build's secret scan can look for
 * it in every output the tests produce (surefire's captured stdout and stderr, logs, event files).
 *
 * <p>{@link TestTokens} records each token it signs and its signature segment, {@link TestPki} each
 * private key it generates. A test that plants any other secret, e.g. a cookie or session id sent
 * in a request, records it here:
 *
 * <pre>{@code
 * String cookie = PlantedSecrets.cookie("SESSION=" + UUID.randomUUID());
 * }</pre>
 *
 * <p>Secrets go to {@code target/planted-secrets/<pid>-<start>.txt} under the working directory
 * (the module's directory under surefire), or under the directory the system property {@value
 * #DIRECTORY_PROPERTY} names: one line per secret, {@code KIND<TAB>base64(secret)}, so the files
 * themselves hold nothing a scanner's generic patterns would take for a secret. Values shorter
 * than {@value #MIN_LENGTH} characters are not recorded: they would match everywhere.
 */
public final class PlantedSecrets {
  /** Overrides where the records go. */
  public static final String DIRECTORY_PROPERTY = "identitylog.planted.dir";

  /** Shorter values are too common to look for. */
  public static final int MIN_LENGTH = 12;

  /** What a secret is; the scan reports this, never the secret. */
  public enum Kind {
    TOKEN,
    SIGNATURE,
    PRIVATE_KEY,
    AUTHORIZATION,
    COOKIE,
    SESSION_ID
  }

  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
  private static Writer writer;
  private static boolean failed;

  private PlantedSecrets() {}

  /** Records a bearer token (a JWT also has its signature segment recorded); returns it. */
  public static String token(String token) {
    record(Kind.TOKEN, token);
    int dot = token == null ? -1 : token.lastIndexOf('.');
    if (dot > 0 && token.indexOf('.') < dot) {
      record(Kind.SIGNATURE, token.substring(dot + 1));
    }
    return token;
  }

  /** Records an Authorization value, and the credential after its scheme; returns it. */
  public static String authorization(String value) {
    record(Kind.AUTHORIZATION, value);
    int space = value == null ? -1 : value.indexOf(' ');
    if (space > 0) {
      token(value.substring(space + 1).strip());
    }
    return value;
  }

  /** Records a cookie ({@code name=value}; the value on its own too); returns it. */
  public static String cookie(String cookie) {
    record(Kind.COOKIE, cookie);
    int eq = cookie == null ? -1 : cookie.indexOf('=');
    if (eq > 0) {
      record(Kind.COOKIE, cookie.substring(eq + 1));
    }
    return cookie;
  }

  /** Records a session id; returns it. */
  public static String sessionId(String id) {
    record(Kind.SESSION_ID, id);
    return id;
  }

  /**
   * Records a private key in the forms output would show it: base64 of its encoding on one line,
   * and the second line of its PEM body (the first is mostly the same header for every key).
   */
  public static PrivateKey privateKey(PrivateKey key) {
    byte[] encoded = key == null ? null : key.getEncoded();
    if (encoded != null) {
      String b64 = Base64.getEncoder().encodeToString(encoded);
      record(Kind.PRIVATE_KEY, b64);
      if (b64.length() >= 128) {
        record(Kind.PRIVATE_KEY, b64.substring(64, 128));
      }
    }
    return key;
  }

  /** Records any secret of the given kind. */
  public static void record(Kind kind, String secret) {
    if (secret == null || secret.length() < MIN_LENGTH || !SEEN.add(kind + "\t" + secret)) {
      return;
    }
    String line =
        kind.name() + "\t"
            + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)) + "\n";
    synchronized (PlantedSecrets.class) {
      if (failed) {
        return;
      }
      try {
        if (writer == null) {
          writer = open();
        }
        writer.write(line);
        writer.flush(); // a test JVM may be killed; what was planted is on disk already
      } catch (IOException e) {
        // A test must not fail for this; the scan then knows fewer secrets, and says so here.
        failed = true;
        System.err.println("PlantedSecrets: cannot record planted secrets: " + e.getMessage());
      }
    }
  }

  private static Writer open() throws IOException {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    Path dir = configured != null ? Paths.get(configured) : Paths.get("target", "planted-secrets");
    Files.createDirectories(dir);
    Path file = dir.resolve(ProcessHandle.current().pid() + "-" + System.nanoTime() + ".txt");
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
  }
}
