package dev.identitylog.spring.boot;

import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task handed to a Spring executor with the submitting request's record bound, so that
 * decisions recorded and outbound calls made there land in that request's event (and the SLF4J MDC
 * carries its ids). Tasks submitted outside a request run as they are.
 *
 * <p>The record's own {@link ServerRecord#makeCurrent()} rather than {@code RequestContext.wrap}:
 * only the former also puts the request's ids in the MDC of the executor thread.
 */
final class IdentityLogTaskDecorator implements TaskDecorator {
  @Override
  public Runnable decorate(Runnable runnable) {
    ServerRecord record = ServerHandler.current();
    if (record == null) {
      return runnable;
    }
    return () -> {
      try (Scope ignored = record.makeCurrent()) {
        runnable.run();
      }
    };
  }

  @Override
  public String toString() {
    return "IdentityLogTaskDecorator";
  }
}
