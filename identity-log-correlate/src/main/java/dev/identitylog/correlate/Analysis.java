package dev.identitylog.correlate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the events of one request into a tree of hops ({@link HopTree}) and decides its verdict:
 * the root cause ({@link RootCause}), else a broken trace or span links that do not connect
 * ({@link BrokenTrace}), else ok. The
 * statuses and outcomes of events are read by {@link Classification}; the sentences are built
 * from {@link Wording}.
 */
final class Analysis {
  private Analysis() {}

  /**
   * @param closedBy how the request ended, for a message no group consumed ("within the 5m
   *     message window")
   */
  static RequestVerdict analyze(
      List<CorrelationEvent> events, DeadLetterTopics deadLetters, String closedBy) {
    HopTree tree = new HopTree(events);
    RequestIds ids = RequestIds.of(tree.hopOrder);
    Set<String> traces = ids.traces;
    RootCause rootCause = new RootCause(tree);
    BrokenTrace broken = new BrokenTrace(tree);

    // A story that starts at a delivery (its send not logged, or in an earlier window) has no
    // request path of its own: the messages tell it.
    boolean requestPath = tree.root != null
        && (tree.root.server == null || !tree.root.server.isConsumer());
    Cause cause = requestPath ? rootCause.evaluate(tree.root, 0) : null;
    MessageFates messages = MessageFates.of(tree, rootCause, deadLetters, closedBy);
    if (messages.cause != null) {
      // The request's own path failing is what its caller saw: that stays the root cause.
      cause = cause == null ? messages.cause
          : cause.withNote("; a message also failed: " + messages.cause.evidence);
    }
    if (traces.size() > 1 && (cause == null || cause.verdict == Verdict.UNKNOWN)) {
      cause = broken.broken(traces, ids.requestId(), cause);
    } else if (traces.size() > 1) {
      cause = cause.withNote("; the trace also broke: " + broken.breakSentence(traces));
    }
    if (cause == null) {
      cause = broken.unlinked(tree.root);
    }
    if (cause == null) {
      cause = rootCause.ok();
    }
    if (!messages.notes.isEmpty()) {
      cause = cause.withNote(messages.notes);
    }
    String malformed = Wording.malformedIds(tree.hopOrder);
    if (malformed != null) {
      cause = cause.withNote(malformed);
    }
    return new RequestVerdict(
        ids.traceId(),
        new ArrayList<>(traces),
        new ArrayList<>(ids.requests),
        ids.start,
        ids.hops,
        messages.messages,
        cause.verdict,
        cause.hop,
        cause.reason,
        cause.evidence);
  }

  /** The verdict given when analysis itself failed; should never be seen. */
  static RequestVerdict unanalysable(List<CorrelationEvent> events) {
    RequestIds ids = RequestIds.of(events);
    return new RequestVerdict(
        ids.traceId(),
        new ArrayList<>(ids.traces),
        new ArrayList<>(ids.requests),
        ids.start,
        ids.hops,
        List.of(),
        Verdict.UNKNOWN,
        null,
        null,
        "the events of this request could not be analysed");
  }
}
