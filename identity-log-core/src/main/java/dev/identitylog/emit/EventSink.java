package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;

/**
 * Receives finished identity events. Implementations may throw; the library calls every sink
 * through a guard that counts and reports failures, so a sink can never fail a request.
 */
@FunctionalInterface
public interface EventSink {
  void emit(IdentityEvent event);
}
