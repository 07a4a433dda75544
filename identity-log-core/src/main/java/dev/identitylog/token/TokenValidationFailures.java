package dev.identitylog.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.identitylog.outcome.Reason;
import java.text.ParseException;
import java.util.Locale;

/**
 * Turns the ways a token validation fails into the standard's authentication reasons, for
 * applications and frameworks that validate tokens themselves and record the decision with
 * {@code RequestIdentity.current().authnFailed(..)}:
 *
 * <pre>{@code
 * try {
 *   claims = jwtProcessor.process(token, null);
 * } catch (ParseException | BadJOSEException | JOSEException e) {
 *   RequestIdentity.current().authnFailed(TokenValidationFailures.reason(e));
 *   throw ...;
 * }
 * }</pre>
 *
 * <p>Why a shared mapping: every team otherwise writes it by hand from Nimbus's messages, and the
 * messages differ between Nimbus versions ({@code "JWT audience rejected"} became {@code "JWT aud
 * claim rejected"}), so a hand-written mapping silently files a wrong audience as {@code
 * token_invalid}. Both spellings of every message are known here.
 *
 * <p>Only exception types and messages are read; nothing here ever looks at the token. All methods
 * are pure, thread-safe and never throw.
 */
public final class TokenValidationFailures {
  /** How far down a cause chain to look: frameworks wrap Nimbus's exception once or twice. */
  private static final int MAX_CAUSE_DEPTH = 8;

  private TokenValidationFailures() {}

  /**
   * The reason for a failed token validation: the first exception in {@code failure}'s cause chain
   * (itself first) whose type or message says what was wrong. A failure to fetch keys ({@link
   * KeySourceException}, e.g. an unreachable JWK set) is {@link
   * Reason#AUTHN_DEPENDENCY_UNAVAILABLE}, a token that cannot be parsed {@link
   * Reason#CREDENTIAL_MALFORMED}; any other validation failure is at least {@link
   * Reason#TOKEN_INVALID}.
   *
   * @return the reason, {@link Reason#TOKEN_INVALID} when nothing more precise is known, or {@code
   *     null} for a {@code null} failure
   */
  public static Reason reason(Throwable failure) {
    if (failure == null) {
      return null;
    }
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      Reason r = ofType(t);
      if (r == null) {
        r = reasonOfMessage(t.getMessage());
      }
      if (r != null) {
        return r;
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return Reason.TOKEN_INVALID;
  }

  /**
   * The reason a validation message states, for the messages of Nimbus's {@code
   * DefaultJWTClaimsVerifier} and {@code DefaultJWTProcessor} (current and earlier spellings)
   * also when a framework wrapped them in a message of its own, and for those of Spring Security's
   * own JWT validators ({@code "Jwt expired at ..."}, {@code "The aud claim is not valid"}), which
   * a resource server throws with no Nimbus exception underneath; {@code null} when the message
   * says nothing this class recognises.
   */
  public static Reason reasonOfMessage(String message) {
    if (message == null || message.isEmpty() || message.length() > 4096) {
      return null;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("expired jwt") || m.contains("jwt expired at")) {
      return Reason.TOKEN_EXPIRED;
    }
    if (m.contains("jwt before use time") || m.contains("jwt used before")) {
      return Reason.TOKEN_NOT_YET_VALID;
    }
    if (m.contains("the aud claim is not valid")) {
      return Reason.AUDIENCE_MISMATCH;
    }
    if (m.contains("the iss claim is not valid")) {
      return Reason.ISSUER_UNTRUSTED;
    }
    if (m.contains("jwt aud claim rejected")
        || m.contains("jwt audience rejected")
        || m.contains("jwt missing required aud")
        || m.contains("jwt missing required audience")) {
      return Reason.AUDIENCE_MISMATCH;
    }
    if (m.contains("jwt iss claim")) {
      // "JWT iss claim value rejected" (Nimbus 9.x and later), "JWT iss claim has value ..., must
      // be ..." (earlier)
      return Reason.ISSUER_UNTRUSTED;
    }
    if (m.contains("invalid serialized")
        || m.contains("invalid jwt serialization")
        || m.contains("missing dot delimiter")
        || m.contains("invalid unsecured/jws/jwe header")
        || m.contains("payload of jws object is not a valid json object")) {
      return Reason.CREDENTIAL_MALFORMED;
    }
    if (m.contains("signed jwt rejected")
        || m.contains("encrypted jwt rejected")
        || m.contains("jws object rejected")
        || m.contains("unsecured (plain) jwts are rejected")
        || m.contains("plain jwt rejected")
        || m.contains("claim value rejected")
        || m.contains("jwt missing required claims")
        || m.contains("jwt has prohibited claims")) {
      return Reason.TOKEN_INVALID;
    }
    return null;
  }

  /**
   * The reason an RFC 6750 {@code WWW-Authenticate} challenge states: {@code invalid_token} is
   * {@link Reason#TOKEN_INVALID} (or what its {@code error_description} says more precisely, such
   * as an expired token), {@code invalid_request} {@link Reason#CREDENTIAL_MALFORMED}, {@code
   * insufficient_scope} {@link Reason#INSUFFICIENT_SCOPE}; a {@code Bearer} challenge without an
   * {@code error} means no credential was sent ({@link Reason#CREDENTIAL_MISSING}).
   *
   * @return the reason, or {@code null} for a missing header or an error code of no standard
   *     meaning
   */
  public static Reason reasonOfChallenge(String wwwAuthenticate) {
    if (wwwAuthenticate == null || wwwAuthenticate.isEmpty() || wwwAuthenticate.length() > 8192) {
      return null;
    }
    String error = parameter(wwwAuthenticate, "error");
    if (error == null) {
      return wwwAuthenticate.trim().isEmpty() ? null : Reason.CREDENTIAL_MISSING;
    }
    Reason r = reasonOfError(error);
    if (r == Reason.TOKEN_INVALID) {
      Reason precise = reasonOfDescription(parameter(wwwAuthenticate, "error_description"));
      if (precise != null) {
        return precise;
      }
    }
    return r;
  }

  /**
   * The reason an RFC 6750 error code states ({@code invalid_token}, {@code invalid_request},
   * {@code insufficient_scope}); {@code null} for any other code.
   */
  public static Reason reasonOfError(String errorCode) {
    if (errorCode == null) {
      return null;
    }
    switch (errorCode.trim().toLowerCase(Locale.ROOT)) {
      case "invalid_token":
        return Reason.TOKEN_INVALID;
      case "invalid_request":
        return Reason.CREDENTIAL_MALFORMED;
      case "insufficient_scope":
        return Reason.INSUFFICIENT_SCOPE;
      default:
        return null;
    }
  }

  /**
   * The reason an {@code error_description} states: Nimbus's messages, and the descriptions that
   * common validators write ({@code "Jwt expired at ..."}, {@code "The aud claim is not valid"}).
   * {@code null} when it says nothing recognised.
   */
  public static Reason reasonOfDescription(String description) {
    Reason r = reasonOfMessage(description);
    if (r != null || description == null || description.length() > 4096) {
      return r;
    }
    String d = description.toLowerCase(Locale.ROOT);
    if (d.contains("expired")) {
      return Reason.TOKEN_EXPIRED;
    }
    if (d.contains("used before") || d.contains("not yet valid") || d.contains("before use")) {
      return Reason.TOKEN_NOT_YET_VALID;
    }
    if (d.contains("the aud claim") || d.contains("audience")) {
      return Reason.AUDIENCE_MISMATCH;
    }
    if (d.contains("the iss claim") || d.contains("issuer")) {
      return Reason.ISSUER_UNTRUSTED;
    }
    if (d.contains("malformed")) {
      return Reason.CREDENTIAL_MALFORMED;
    }
    return null;
  }

  private static Reason ofType(Throwable t) {
    if (t instanceof ExpiredJWTException) {
      return Reason.TOKEN_EXPIRED;
    }
    if (t instanceof KeySourceException) {
      // The keys could not be had (JWK set endpoint down, unreadable): nothing was decided.
      return Reason.AUTHN_DEPENDENCY_UNAVAILABLE;
    }
    if (t instanceof ParseException) {
      return Reason.CREDENTIAL_MALFORMED;
    }
    if (t instanceof BadJOSEException || t instanceof JOSEException) {
      // BadJWTException, BadJWSException, BadJWEException and the rest: the message says which
      // check failed; a signature or key mismatch is simply an invalid token.
      Reason r = reasonOfMessage(t.getMessage());
      return r != null ? r : Reason.TOKEN_INVALID;
    }
    return null;
  }

  /** The value of an auth-param (quoted or not), case-insensitive name; {@code null} if absent. */
  private static String parameter(String header, String name) {
    String lower = header.toLowerCase(Locale.ROOT);
    int from = 0;
    while (true) {
      int i = lower.indexOf(name, from);
      if (i < 0) {
        return null;
      }
      from = i + name.length();
      boolean startOk = i == 0 || " ,\t".indexOf(lower.charAt(i - 1)) >= 0;
      int j = skipSpace(lower, i + name.length());
      if (!startOk || j >= lower.length() || lower.charAt(j) != '=') {
        continue;
      }
      j = skipSpace(lower, j + 1);
      if (j >= lower.length()) {
        return null;
      }
      int end;
      if (header.charAt(j) == '"') {
        j++;
        end = header.indexOf('"', j);
        if (end < 0) {
          end = header.length();
        }
      } else {
        end = j;
        while (end < header.length() && " ,\t".indexOf(header.charAt(end)) < 0) {
          end++;
        }
      }
      String value = header.substring(j, end).trim();
      return value.isEmpty() ? null : value;
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
