package dev.identitylog.forwarded;

import java.util.List;
import java.util.Objects;

/**
 * One element of an {@code x-forwarded-client-cert} header: what one proxy said about the client
 * certificate it saw. Immutable. Absent and empty values are null (lists: empty), so a consumer
 * never sees an empty string.
 */
public final class XfccElement {
  private final String by;
  private final String hash;
  private final String cert;
  private final String chain;
  private final String subject;
  private final List<String> uris;
  private final List<String> dns;

  XfccElement(String by, String hash, String cert, String chain, String subject,
      List<String> uris, List<String> dns) {
    this.by = by;
    this.hash = hash;
    this.cert = cert;
    this.chain = chain;
    this.subject = subject;
    this.uris = List.copyOf(uris);
    this.dns = List.copyOf(dns);
  }

  /** {@code By}: the URI SAN of the proxy that added this element, or null. */
  public String by() {
    return by;
  }

  /** {@code Hash}: the SHA-256 of the client certificate as the proxy wrote it (hex), or null. */
  public String hash() {
    return hash;
  }

  /** {@code Cert}: the client certificate as PEM text (URL-decoded), or null. */
  public String cert() {
    return cert;
  }

  /** {@code Chain}: the client chain, leaf first, as PEM text (URL-decoded), or null. */
  public String chain() {
    return chain;
  }

  /** {@code Subject}: the client certificate subject as the proxy wrote it, or null. */
  public String subject() {
    return subject;
  }

  /** {@code URI}: the URI SANs, in header order; empty when none. */
  public List<String> uris() {
    return uris;
  }

  /** {@code DNS}: the DNS SANs, in header order; empty when none. */
  public List<String> dns() {
    return dns;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof XfccElement)) {
      return false;
    }
    XfccElement that = (XfccElement) o;
    return Objects.equals(by, that.by) && Objects.equals(hash, that.hash)
        && Objects.equals(cert, that.cert) && Objects.equals(chain, that.chain)
        && Objects.equals(subject, that.subject) && uris.equals(that.uris) && dns.equals(that.dns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(by, hash, cert, chain, subject, uris, dns);
  }

  /** Names the parts; certificate text is summarised by its length, never printed. */
  @Override
  public String toString() {
    return "XfccElement{by=" + by + ", hash=" + hash
        + (cert == null ? "" : ", cert=<" + cert.length() + " chars>")
        + (chain == null ? "" : ", chain=<" + chain.length() + " chars>")
        + ", subject=" + subject + ", uris=" + uris + ", dns=" + dns + "}";
  }
}
