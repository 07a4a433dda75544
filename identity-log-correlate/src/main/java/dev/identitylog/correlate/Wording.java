package dev.identitylog.correlate;

import static dev.identitylog.correlate.Classification.*;

import dev.identitylog.outcome.Reason;
import java.util.List;
import java.util.Locale;

/** The words of evidence sentences: hashes, durations, reason codes, who passed a failure on. */
final class Wording {
  private Wording() {}

  /** Which hops passed the failure on: {@code n} and its callers, if they answered an error. */
  static String passedOn(HopNode n) {
    StringBuilder s = null;
    for (HopNode a = n; a != null; a = a.caller()) {
      if (a.server == null || !(statusFailing(a.server) || failed(a.server.authn)
          || failed(a.server.authz) || failed(a.server.dependency))) {
        continue;
      }
      if (s == null) {
        s = new StringBuilder("; passed on by ");
      } else {
        s.append(", ");
      }
      s.append(a.name());
      if (a.server.statusText() != null) {
        s.append(" (").append(a.server.statusText()).append(')');
      }
    }
    return s == null ? "" : s.toString();
  }

  static void audience(StringBuilder s, CorrelationEvent e, String reason) {
    if (Reason.AUDIENCE_MISMATCH.code().equals(reason) && !e.audience.isEmpty()) {
      if (s.charAt(s.length() - 1) != '(') {
        s.append(", ");
      }
      s.append("audience ").append(String.join(" ", e.audience));
    }
  }

  static String cleanParens(String s) {
    return s.replace(" ()", "");
  }

  /** What a layer's inferred outcome was derived from ({@link LayerLine}), else otherwise. */
  static String basisOr(CorrelationEvent e, String otherwise) {
    return e.basis != null ? e.basis : otherwise;
  }

  static String statusOr(CorrelationEvent e, String otherwise) {
    String s = e.statusText();
    return s != null ? s : otherwise;
  }

  static String statusSuffix(CorrelationEvent e) {
    String s = e.statusText();
    return s != null ? " (" + s + ")" : "";
  }

  /**
   * For a failure about the client certificate, which certificate the failing hop saw against the
   * one the nearest outer hop saw (the edge that terminated mTLS, typically): the same one, another
   * one, or none. Empty for other failures, or when no outer hop logged a certificate.
   */
  static String certificateNote(HopNode n, String reason) {
    Reason r = reason == null ? null : Reason.fromCode(reason);
    if (r == null || !(r.name().startsWith("CERT_") || r == Reason.BINDING_MISMATCH
        || r == Reason.IDENTITY_HEADER_UNTRUSTED)) {
      return "";
    }
    HopNode outer = n.caller();
    while (outer != null && (outer.server == null || outer.server.certHash == null)) {
      outer = outer.caller();
    }
    if (outer == null) {
      return "";
    }
    String seen = outer.server.certHash;
    String own = n.server == null ? null : n.server.certHash;
    if (own == null) {
      return "; " + outer.name() + " saw client certificate " + shortHash(seen) + ", "
          + n.name() + " logged none";
    }
    if (own.equals(seen)) {
      return "; client certificate " + shortHash(own) + ", the one " + outer.name() + " saw";
    }
    return "; client certificate " + shortHash(own) + ", not the one " + outer.name() + " saw ("
        + shortHash(seen) + ")";
  }

  /**
   * Which hops logged malformed ids, left out of the joins ("; backend logged a malformed
   * trace.id, left out"), or null. The values are not repeated: they are not ids.
   */
  static String malformedIds(List<CorrelationEvent> events) {
    StringBuilder s = null;
    for (CorrelationEvent e : events) {
      if (e.malformedIds == null) {
        continue;
      }
      s = s == null ? new StringBuilder("; ") : s.append("; ");
      s.append(e.service != null ? e.service : "(unnamed service)").append(" logged a malformed ")
          .append(e.malformedIds).append(" (")
          .append(e.kind()).append(" event), left out of the joins");
    }
    return s == null ? null : s.toString();
  }

  static String phrase(String code) {
    return code.replace('_', ' ');
  }

  static String shortHash(String hex) {
    if (hex == null) {
      return "?";
    }
    return hex.length() <= 8 ? hex : hex.substring(0, 8) + "…";
  }

  static String lowerFirst(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
  }

  static String duration(long nanos) {
    long ms = nanos / 1_000_000L;
    if (ms < 1000) {
      return ms + " ms";
    }
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
