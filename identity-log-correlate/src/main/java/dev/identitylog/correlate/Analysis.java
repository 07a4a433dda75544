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

  static RequestVerdict analyze(List<CorrelationEvent> events) {
    HopTree tree = new HopTree(events);
    RequestIds ids = RequestIds.of(tree.hopOrder);
    Set<String> traces = ids.traces;
    RootCause rootCause = new RootCause(tree);
    BrokenTrace broken = new BrokenTrace(tree);

    Cause cause = tree.root == null ? null : rootCause.evaluate(tree.root, 0);
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
        Verdict.UNKNOWN,
        null,
        null,
        "the events of this request could not be analysed");
  }
}
