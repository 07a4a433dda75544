package dev.identitylog.internal;

/**
 * Logback look-ups, in a class of their own so that nothing loads a Logback class unless the
 * logger at hand already is one (Logback is an optional dependency).
 *
 * <p>Internal: not part of the API and may change between versions.
 */
public final class LogbackContexts {
  /** The class name of Logback's logger; compare before calling {@link #contextOf}. */
  public static final String LOGGER_CLASS = "ch.qos.logback.classic.Logger";

  private LogbackContexts() {}

  /** The context of a logger whose class is {@link #LOGGER_CLASS}. */
  public static Object contextOf(org.slf4j.Logger logbackLogger) {
    return ((ch.qos.logback.classic.Logger) logbackLogger).getLoggerContext();
  }
}
