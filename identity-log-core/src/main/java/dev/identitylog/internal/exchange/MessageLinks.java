package dev.identitylog.internal.exchange;

import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.propagation.TraceContext;
import dev.identitylog.propagation.TraceParent;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.redact.Limits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code identity.links} (SPEC section 3, 1.1): the producer contexts of a batch processed at once.
 * Read once per batch from each record's {@code traceparent} (the only form a producer writes),
 * then shared by the event of every record in it, so a batch of n records costs n parses, not n².
 * Headers are attacker controlled: a value over the size limit or not a valid {@code traceparent}
 * is left out, and at most {@link Limits#maxArraySize()} distinct contexts are kept.
 */
public final class MessageLinks {
  private MessageLinks() {}

  /** {@code <trace.id>-<span.id>} of each distinct valid producer context, in batch order. */
  public static List<String> of(Iterable<? extends MessageConsumerRequest> batch, Limits limits) {
    if (batch == null) {
      return Collections.emptyList();
    }
    Set<String> links = new LinkedHashSet<>();
    for (MessageConsumerRequest message : batch) {
      if (links.size() >= limits.maxArraySize()) {
        break;
      }
      String link = contextOf(message, limits);
      if (link != null) {
        links.add(link);
      }
    }
    return Collections.unmodifiableList(new ArrayList<>(links));
  }

  /** The producer context one record names, or {@code null}. */
  static String contextOf(MessageConsumerRequest message, Limits limits) {
    if (message == null) {
      return null;
    }
    String value = message.header("traceparent");
    if (value == null || limits.headerTooLarge(value)) {
      return null;
    }
    TraceContext context = TraceParent.parse(value, null);
    return context == null ? null : context.traceId() + "-" + context.parentSpanId();
  }

  /**
   * Sets {@code identity.links} on a consumer event when the batch names more than the record's
   * own parent: one context that is its parent says nothing the trace fields do not.
   */
  static void apply(IdentityEvent.Builder b, List<String> links, String ownParent) {
    if (links == null || links.isEmpty()) {
      return;
    }
    if (links.size() == 1 && links.get(0).equals(ownParent)) {
      return;
    }
    b.set(Fields.LINKS, links);
  }
}
