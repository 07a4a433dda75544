package dev.identitylog.forwarded;

import java.util.List;

/**
 * What {@link Xfcc#parse(String)} found: the elements in header order (oldest first, the one the
 * nearest proxy appended last), or an error.
 *
 * <p>A malformed header yields no elements at all, never the ones parsed before the error. The
 * element that matters most is the last one (added by the immediate, trusted proxy), and a
 * truncated or tampered header loses exactly that one, so a partial result would attribute the
 * request to the wrong certificate.
 */
public final class XfccParseResult {
  private static final XfccParseResult EMPTY = new XfccParseResult(List.of(), null);

  private final List<XfccElement> elements;
  private final String error;

  private XfccParseResult(List<XfccElement> elements, String error) {
    this.elements = elements;
    this.error = error;
  }

  static XfccParseResult empty() {
    return EMPTY;
  }

  static XfccParseResult of(List<XfccElement> elements) {
    return elements.isEmpty() ? EMPTY : new XfccParseResult(List.copyOf(elements), null);
  }

  static XfccParseResult failure(String error) {
    return new XfccParseResult(List.of(), error);
  }

  /** The elements, oldest first; empty when the header was absent, blank or malformed. */
  public List<XfccElement> elements() {
    return elements;
  }

  /** A one-line description of what is malformed, or null when the header parsed. */
  public String error() {
    return error;
  }

  /** Whether the header parsed (an absent or blank header parses to no elements). */
  public boolean isValid() {
    return error == null;
  }

  /** The newest element (added by the nearest proxy), or null when there is none. */
  public XfccElement last() {
    return elements.isEmpty() ? null : elements.get(elements.size() - 1);
  }

  @Override
  public String toString() {
    return error != null ? "XfccParseResult{error=" + error + "}"
        : "XfccParseResult{elements=" + elements + "}";
  }
}
