package dev.identitylog.spring.boot;

import dev.identitylog.context.ContextRecord;
import dev.identitylog.context.RequestContext;
import dev.identitylog.context.Scope;
import io.micrometer.context.ThreadLocalAccessor;
import java.util.ArrayDeque;

/**
 * The request record as a Micrometer context-propagation {@link ThreadLocalAccessor}, so that
 * whatever propagates with it ({@code ContextSnapshot}, Reactor's automatic context propagation,
 * Spring's {@code ContextPropagatingTaskDecorator}) carries the request's identity too. Registered
 * through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}; read only when
 * context-propagation is on the class path.
 *
 * <p>Setting a value binds it as the core's {@link RequestContext#bind} does (record and the MDC
 * ids); restoring closes that binding, which puts back exactly what the thread had. The core's
 * storage hands out scopes rather than a settable slot, so the open bindings of a thread are kept
 * in the order context-propagation opens and restores them (last in, first out).
 */
public final class IdentityLogThreadLocalAccessor implements ThreadLocalAccessor<ContextRecord> {
  /** The key under which the record is captured (and under which Reactor's context holds it). */
  public static final String KEY = "dev.identitylog.request";

  private static final ThreadLocal<ArrayDeque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public ContextRecord getValue() {
    return RequestContext.current();
  }

  @Override
  public void setValue(ContextRecord value) {
    OPEN.get().push(RequestContext.bind(value));
  }

  /** Runs what follows outside any request (the snapshot had none and asked to clear). */
  @Override
  public void setValue() {
    OPEN.get().push(RequestContext.bind(null));
  }

  @Override
  public void restore(ContextRecord previousValue) {
    close();
  }

  @Override
  public void restore() {
    close();
  }

  private static void close() {
    ArrayDeque<Scope> open = OPEN.get();
    Scope last = open.poll();
    if (last != null) {
      last.close();
    }
    if (open.isEmpty()) {
      OPEN.remove(); // nothing kept on a pooled thread between tasks
    }
  }

  @Override
  public String toString() {
    return "IdentityLogThreadLocalAccessor";
  }
}
