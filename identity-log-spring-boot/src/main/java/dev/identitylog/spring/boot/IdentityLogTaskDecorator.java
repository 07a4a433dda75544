package dev.identitylog.spring.boot;

import dev.identitylog.exchange.ServerExchange;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task handed to a Spring executor with the submitting request's record bound, so that
 * decisions recorded and outbound calls made there land in that request's event (and the SLF4J MDC
 * carries its ids). Tasks submitted outside a request run as they are.
 */
final class IdentityLogTaskDecorator implements TaskDecorator {
  @Override
  public Runnable decorate(Runnable runnable) {
    ServerExchange exchange = ServerExchange.current();
    return exchange == null ? runnable : exchange.wrap(runnable);
  }

  @Override
  public String toString() {
    return "IdentityLogTaskDecorator";
  }
}
