package dev.identitylog.spring.boot;

import dev.identitylog.context.RequestContext;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task handed to a Spring executor with the submitting request's record bound, so that
 * decisions recorded and outbound calls made there land in that request's event (and the SLF4J MDC
 * carries its ids). Tasks submitted outside a request run as they are.
 *
 * <p>The core's {@link RequestContext#wrap(Runnable)}: one implementation of what a task carries
 * (record, OpenTelemetry context, MDC ids) and of what it restores after.
 */
final class IdentityLogTaskDecorator implements TaskDecorator {
  @Override
  public Runnable decorate(Runnable runnable) {
    if (RequestContext.current() == null) {
      return runnable;
    }
    return RequestContext.wrap(runnable);
  }

  @Override
  public String toString() {
    return "IdentityLogTaskDecorator";
  }
}
