package dev.identitylog.correlate;

/** A root cause found while descending, with the sentence that tells it. */
final class Cause {
  final Verdict verdict;
  /** The hop that logged the evidence: the root-cause hop, or its caller when it logged none. */
  final HopNode node;
  final String hop;
  final String reason;
  final String evidence;

  Cause(Verdict verdict, HopNode node, String hop, String reason, String evidence) {
    this.verdict = verdict;
    this.node = node;
    this.hop = hop;
    this.reason = reason;
    this.evidence = evidence;
  }

  Cause withNote(String note) {
    return new Cause(verdict, node, hop, reason, evidence + note);
  }
}
