package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;

/**
 * Adjusts the {@link IdentityLog} the auto-configuration builds, after the {@code identity-log.*}
 * properties were applied: dependency names, hosts that receive the client certificate, a clock.
 * Applied in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface IdentityLogBuilderCustomizer {
  void customize(IdentityLog.Builder builder);
}
